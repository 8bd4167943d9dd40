// bench/README.md's figures, written from a run's report: the table as the run printed it, and every sentence that
// quotes a figure, each between its `<!-- generated: NAME -->` markers. `npm run bench -- --record` writes them from
// the run it has just made, `npm run docs` from bench/results/recorded.json as it is, and
// test/unit/generated-docs.test.ts fails when the README is not what recorded.json gives.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceGenerated } from '../../scripts/generated-section';
import { format, markdownTable, throughputVariant, type BenchReport, type Machine, type Row } from './report';

export const RECORDED_RUN = 'bench/results/recorded.json';
export const BENCH_README = 'bench/README.md' as const;

/** `readme` with each generated section rewritten from `report`. */
export function benchReadme(readme: string, report: BenchReport): string {
  const sections: Array<[name: string, content: string]> = [
    ['recorded run', recordedRun(report.machine)],
    ['sizes', sizes(report)],
    ['ratio example', ratioExample(report)],
    ['figures', markdownTable(report.rows)],
    ['targets', targets(report.rows)],
    ['emulator', emulatorRate(report)],
    ['memory', memory(report)],
  ];
  return sections.reduce((text, [name, content]) => replaceGenerated(text, name, content), readme);
}

/** Makes the run written to `file` the recorded one: its JSON copied to recorded.json, its figures in the README. */
export function recordRun(file: string, root: string): void {
  const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  if (report.kind !== 'full') throw new Error(`${file} is a ${report.kind} run: only a full run is recorded.`);
  const readme = path.join(root, BENCH_README);
  const rewritten = benchReadme(readFileSync(readme, 'utf8'), report);
  copyFileSync(file, path.join(root, RECORDED_RUN));
  writeFileSync(readme, rewritten);
}

function recordedRun(machine: Machine): string {
  const [load1, load5, load15] = machine.loadAverageAtStart;
  const shared =
    load1! >= machine.cores
      ? ': more runnable work than cores before the bench began, so other work shared the machine and every absolute figure (ms, req/s) is that of a loaded machine'
      : '';
  return [
    `The figures below are those of the run of ${machine.date.slice(0, 16).replace('T', ' ')} UTC on ${machine.cores} cores`,
    `(${machine.cpu}) with Node ${machine.node}; \`${RECORDED_RUN}\` holds them all. ${measuredCode(machine)}`,
    `The load average at its start was ${load1}, ${load5} and ${load15} (over 1, 5 and 15 minutes) on ${machine.cores} cores${shared}.`,
    'Only the side-by-side ratios are to be read: the two sides of each ran in the same rounds, under the same load.',
  ].join(' ');
}

export function measuredCode({ commit, uncommittedChanges }: Machine): string {
  if (commit === null) return 'It measured code outside a git checkout (no commit recorded).';
  const at = `It measured commit \`${commit.slice(0, 7)}\``;
  // Runs recorded before the bench looked at the working tree have no list.
  if (uncommittedChanges == null) return `${at}; whether its working tree had uncommitted changes was not recorded.`;
  if (uncommittedChanges.length === 0) return `${at}, with no uncommitted changes.`;
  const files = uncommittedChanges.map((file) => `\`${file}\``).join(', ');
  return `${at} **with uncommitted changes** (${files}): not that commit's code.`;
}

function sizes({ sizes: s, results }: BenchReport): string {
  const { latency } = results;
  const sampleKb = (results.cacheMemory[0]!.sampleEntryJsonBytes / 1024).toFixed(1);
  return [
    `Sizes of the recorded run: item 1 over ${count(s.coldStartRuns, 'fresh process', 'fresh processes')} per file;`,
    `item 2 after ${count(s.overhead.warmupCalls, 'warm-up call')} per variant, ${count(s.overhead.rounds, 'round')} of`,
    `${count(s.overhead.callsPerRound, 'call')} per variant at concurrency ${and(s.overhead.concurrencies)};`,
    `item 3 with ${latency.addedLatencyMs} ms added to every call and ${count(s.latencySamples, 'sample')} of each variant, so that its`,
    `floor is ${latency.floorMs / latency.addedLatencyMs} × ${latency.addedLatencyMs} = ${latency.floorMs} ms;`,
    `item 5 at ${and(s.throughput.concurrencies)} connections, ${count(s.throughput.rounds, 'round')} of ${s.throughput.durationSeconds} s`,
    `after ${s.throughput.warmupSeconds} s of warm-up per server;`,
    `item 6 with copies of an enrichment of ${sampleKb} KB of JSON.`,
  ].join(' ');
}

/** Where the median of the rounds' ratios is furthest from the quotient of the pooled figures the table shows. */
function ratioExample({ results }: BenchReport): string {
  const medians = [
    ...results.overhead.flatMap((o) => [
      {
        what: `item 2's enrichments/s against a bare fetch at concurrency ${o.concurrency}`,
        project: o.project.perSecond,
        baseline: o.bareHelper.perSecond,
        median: o.rateRatio,
      },
      {
        what: `item 2's enrichments/s against the docs function at concurrency ${o.concurrency}`,
        project: o.project.perSecond,
        baseline: o.naiveFunction.perSecond,
        median: o.rateRatioToNaive,
      },
    ]),
    ...results.throughput.slice(1).flatMap((server) =>
      server.at.map((at, i) => ({
        what: `item 5's HTTP req/s with ${throughputVariant(server)} at ${at.connections} connections`,
        project: at.requestsPerSecond,
        baseline: results.throughput[0]!.at[i]!.requestsPerSecond,
        median: at.rateRatioToBaseline,
      })),
    ),
  ].map((m) => ({ ...m, pooled: Number(format(m.project)) / Number(format(m.baseline)) }));
  const widest = medians.reduce((a, b) => (Math.abs(b.pooled / b.median - 1) > Math.abs(a.pooled / a.median - 1) ? b : a));
  if (widest.pooled.toFixed(2) === widest.median.toFixed(2)) return 'In the recorded run the two agree to two decimals on every such row.';
  return (
    `In the recorded run they differ most on ${widest.what}: ${format(widest.project)} ÷ ${format(widest.baseline)} is ` +
    `${widest.pooled.toFixed(2)}, and the median of the rounds' ratios ${widest.median.toFixed(2)}.`
  );
}

/** The rows that have a target, as met and missed. */
function targets(rows: Row[]): string {
  const judged = rows.filter((r) => r.met !== '');
  const missed = judged.filter((r) => r.met === 'no');
  if (missed.length === 0) return `The recorded run met all ${judged.length} targets of the table.`;
  const line = (r: Row) =>
    `- item ${r.item}, *${r.measure}*: ${r.project}${r.baseline ? ` against ${r.baseline}, project ÷ baseline ${r.ratio}` : ''} (target ${r.target})`;
  return [
    `The recorded run met ${judged.length - missed.length} of the table's ${judged.length} targets and missed ${missed.length}:`,
    '',
    ...missed.map(line),
  ].join('\n');
}

function emulatorRate({ results }: BenchReport): string {
  const rates = results.emulatorRate.map((r) => `${format(r.requestsPerSecond)} requests/s at ${r.connections} connections`);
  const fastestHttp = Math.max(...results.throughput.flatMap((server) => server.at.map((at) => at.requestsPerSecond)));
  const times = Math.min(...results.emulatorRate.map((r) => r.requestsPerSecond)) / fastestHttp;
  return [
    `The emulator answered ${and(rates)} (GET of one interaction on loopback, autocannon in another process on the same cores),`,
    `${times.toFixed(0)} times the highest rate of item 5 (${format(fastestHttp)} req/s):`,
    times >= 5 ? 'it is not what the bench measures.' : 'close enough to the rates of item 5 to weigh on them.',
  ].join(' ');
}

function memory({ results }: BenchReport): string {
  const [baseline, ...projects] = results.throughput;
  const span = (values: number[]) => {
    const [low, high] = [Math.min(...values), Math.max(...values)].map(format);
    return low === high ? `${low} MB` : `${low} to ${high} MB`;
  };
  const mb = (bytes: number) => format(bytes / 1048576);
  const cache = results.cacheMemory.map((c) => {
    const held = `${mb(c.heapBytes)} MB held`;
    const bounds = `- ${c.bound}, at most ${c.maxEntries} entries and ${mb(c.maxBytes)} MB`;
    if (c.entries === 0) return `${bounds}: no entry, ${held}`;
    const binding = c.entries >= c.maxEntries ? 'the entry bound binds first' : 'the byte bound binds first';
    const counted = (c.countedBytes / 1048576).toFixed(1);
    const weight = (Number(mb(c.heapBytes)) / Number(counted)).toFixed(1);
    return `${bounds}: ${c.entries} entries, ${counted} MB counted, ${held} (${weight} times what it counts); ${binding}`;
  });
  const rss = [
    `Under the load of item 5, twilio-run peaked at ${span(projects.flatMap((s) => s.at.map((at) => at.peakRssMb)))} RSS serving the`,
    `project and ${span(baseline!.at.map((at) => at.peakRssMb))} serving the baseline. The cache, filled with copies of one`,
    'enrichment and weighed after garbage collection (heap plus typed arrays):',
  ].join(' ');
  return [rss, '', ...cache].join('\n');
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `a`, `a and b`, `a, b and c`. */
function and(items: Array<string | number>): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
