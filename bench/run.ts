// npm run bench (and npm run bench:smoke): the project side by side with the naive function from Twilio's
// docs, on this machine, in one run. Prints one table and writes every figure to bench/results/;
// with --record, the run becomes bench/results/recorded.json and bench/README.md quotes its figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emulatorEnv, redirectTwilioHelper, startEmulatorProcess, type EmulatorProcess } from '../harness';
import type { EnrichmentResult } from '../src/core/payload';
import { BASELINE, BUNDLES, measureColdStart } from './measure/cold-start';
import { measureCacheMemory } from './measure/cache-memory';
import { measureLatencyWithAll } from './measure/latency';
import { measureOverhead } from './measure/overhead';
import { measureEmulatorRate, measureThroughput } from './measure/throughput';
import { measureUpstreamCalls } from './measure/upstream-calls';
import { invoker, loadFunction } from './support/in-process';
import { BENCH_README, RECORDED_RUN, recordRun } from './support/readme';
import {
  describeCode,
  describeMachine,
  markdownTable,
  row,
  type BenchReport,
  throughputVariant,
  type Results,
  type Row,
  type Sizes,
} from './support/report';
import { round } from './support/stats';

const SIZES = {
  full: {
    coldStartRuns: 20,
    overhead: { rounds: 20, callsPerRound: 200, warmupCalls: 3000, concurrencies: [1, 16] },
    latencySamples: 30,
    throughput: { concurrencies: [16, 64], rounds: 3, durationSeconds: 6, warmupSeconds: 3 },
  },
  smoke: {
    coldStartRuns: 2,
    overhead: { rounds: 2, callsPerRound: 20, warmupCalls: 10, concurrencies: [1, 16] },
    latencySamples: 2,
    throughput: { concurrencies: [16, 64], rounds: 1, durationSeconds: 1, warmupSeconds: 1 },
  },
} satisfies Record<string, Sizes>;

const ROOT = path.resolve(__dirname, '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, record: { type: 'boolean', default: false } } });
  const kind = values.smoke ? 'smoke' : 'full';
  if (values.record && kind !== 'full') throw new Error('--record keeps a full run only: drop --smoke.');
  const size = SIZES[kind];
  const machine = describeMachine();
  say(
    `bench (${kind}): ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  say(`  code: ${describeCode(machine)}`);

  const emulator = await startEmulatorProcess();
  redirectTwilioHelper(emulator.url);
  try {
    const defaultSid = seededSid(emulator, 'double charge');
    // The seeded interaction with the most channels: the deepest chain of calls for include=all.
    const allSid = seededSid(emulator, 'continued by email');
    const step = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
      const started = Date.now();
      const result = await work();
      say(`  ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return result;
    };
    const results = {
      coldStart: await step('1 cold start', () => measureColdStart(emulator, size.coldStartRuns, defaultSid)),
      overhead: await step('2 overhead', () => measureOverhead(emulator, size.overhead)),
      latency: await step('3 include=all latency', () => measureLatencyWithAll(emulator, allSid, size.latencySamples)),
      upstreamCalls: await step('4 upstream calls', () => measureUpstreamCalls(emulator, allSid)),
      cacheMemory: await step('6 cache memory', async () => measureCacheMemory(await enrichmentSample(emulator, allSid))),
      throughput: await step('5 throughput', () => measureThroughput(emulator, size.throughput)),
      emulatorRate: await step('emulator rate', () => measureEmulatorRate(emulator, size.throughput)),
    };
    const rows = tableRows(results);
    say(`\n${markdownTable(rows)}\n`);

    const problems = checkFigures(results, rows);
    const file = path.join(ROOT, 'bench/results', `${kind}-${machine.date.replace(/[:.]/g, '-')}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    const report: BenchReport = { kind, machine, sizes: size, results, rows };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    say(`figures written to ${path.relative(ROOT, file)}`);
    if (problems.length > 0) {
      say(`the bench did not work:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
    } else if (values.record) {
      recordRun(file, ROOT);
      say(`recorded: ${RECORDED_RUN} is this run, and ${BENCH_README} quotes its figures`);
    }
  } finally {
    await emulator.stop();
  }
}

function seededSid(emulator: EmulatorProcess, label: string): string {
  const found = emulator.seeded.find((interaction) => interaction.label.includes(label));
  if (!found) throw new Error(`no seeded interaction labelled like "${label}"`);
  return found.sid;
}

/** A real include=all enrichment as the cache holds it, to fill the cache with. */
async function enrichmentSample(emulator: EmulatorProcess, interactionSid: string): Promise<EnrichmentResult> {
  const studio = invoker(loadFunction(BUNDLES[1]!).handler, emulatorEnv(emulator));
  const { body } = await studio({ InteractionSid: interactionSid, include: 'all', fresh: 'true' });
  const { meta, ...enrichment } = body;
  return {
    body: enrichment,
    warnings: meta.warnings,
    partial: meta.partial,
    fetchedAt: meta.fetchedAt,
    source: meta.source,
    stale: meta.stale,
  };
}

function tableRows(r: Results): Row[] {
  const rows: Row[] = [];
  const { coldStart, latency } = r;
  const baselineFile = coldStart.files.find((f) => f.file === BASELINE)!;
  for (const bundle of coldStart.files.filter((f) => f.file.startsWith('dist/'))) {
    const name = bundle.file.replace('dist/functions/', '');
    rows.push(
      row(1, `${name}: size, KB`, bundle.bytes / 1024, baselineFile.bytes / 1024, { target: '< 50 KB', met: bundle.bytes < 50 * 1024 }),
    );
    rows.push(
      row(
        1,
        `${name}: require, ms (twilio ${bundle.twilioLoaded ? 'LOADED' : 'not loaded'})`,
        bundle.requireMedianMs,
        baselineFile.requireMedianMs,
        {
          target: '< 5 ms',
          met: bundle.requireMedianMs < 5 && !bundle.twilioLoaded,
        },
      ),
    );
    // The machine's speed varies from run to run; the share of require('twilio') in the same run does much less.
    const twilioMs = coldStart.dependencyRequireMedianMs.twilio!;
    const share = (bundle.requireMedianMs / twilioMs) * 100;
    rows.push(
      row(1, `${name}: require as % of require('twilio') (${twilioMs} ms)`, round(share, 2), null, {
        target: '≤ 3.5%',
        met: share <= 3.5 && !bundle.twilioLoaded,
      }),
    );
  }
  const deps = Object.entries(coldStart.dependencyRequireMedianMs)
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');
  rows.push(row(1, `require alone, ms: ${deps}`, '', null));
  const firstAnswer = coldStart.firstAnswerMedianMs;
  rows.push(
    row(1, 'first answer in a fresh process, ms', firstAnswer.project, firstAnswer.baseline, {
      target: '≤ 1.1×',
      met: firstAnswer.project <= 1.1 * firstAnswer.baseline,
    }),
  );

  for (const o of r.overhead) {
    const c = `c${o.concurrency}`;
    rows.push(
      row(2, `enrichments/s vs bare fetch, ${c}`, o.project.perSecond, o.bareHelper.perSecond, {
        ratio: o.rateRatio,
        target: '≥ 0.9×',
        met: o.rateRatio >= 0.9,
      }),
    );
    rows.push(row(2, `CPU ms per enrichment vs bare fetch, ${c}`, o.project.cpuMsPerCall, o.bareHelper.cpuMsPerCall));
    rows.push(row(2, `p50 ms vs bare fetch, ${c}`, o.project.p50Ms, o.bareHelper.p50Ms));
    rows.push(row(2, `p99 ms vs bare fetch, ${c}`, o.project.p99Ms, o.bareHelper.p99Ms));
    rows.push(
      row(2, `enrichments/s vs the docs function, ${c}`, o.project.perSecond, o.naiveFunction.perSecond, { ratio: o.rateRatioToNaive }),
    );
  }

  const floorLimit = latency.floorMs * 1.1;
  const depth = latency.floorMs / latency.addedLatencyMs;
  rows.push(row(3, 'include=all p50 ms vs naive sequential', latency.projectP50Ms, latency.naiveSequentialP50Ms));
  rows.push(
    row(3, `include=all p50 ms vs the floor, ${depth} × ${latency.addedLatencyMs} ms`, latency.projectP50Ms, latency.floorMs, {
      target: `≤ ${floorLimit} ms`,
      met: latency.projectP50Ms <= floorLimit,
    }),
  );
  rows.push(row(3, `include=all p50 ms vs ${depth} bare fetches in a row`, latency.projectP50Ms, latency.bareChainP50Ms));
  rows.push(row(3, 'include=all upstream calls vs naive sequential', latency.projectCalls, latency.naiveCalls));
  rows.push(row(3, 'default p50 ms vs the docs function', latency.defaultP50Ms.project, latency.defaultP50Ms.baseline));

  for (const count of r.upstreamCalls) {
    const what = count.counted === 'all' ? 'calls' : `${count.counted} calls`;
    rows.push(
      row(4, `${what}: ${count.case}`, count.project, count.baseline, {
        target: String(count.target),
        met: count.project === count.target,
      }),
    );
  }

  const [baseline, ...projects] = r.throughput;
  for (const server of projects) {
    const variant = throughputVariant(server);
    server.at.forEach((at, i) => {
      const base = baseline!.at[i]!;
      const c = `c${at.connections}, ${variant}`;
      rows.push(
        row(5, `HTTP req/s, ${c}`, at.requestsPerSecond, base.requestsPerSecond, {
          ratio: at.rateRatioToBaseline,
          target: '≥ baseline',
          met: at.rateRatioToBaseline >= 1,
        }),
      );
      rows.push(row(5, `HTTP p99 ms, ${c}`, at.p99Ms, base.p99Ms));
      rows.push(row(5, `HTTP errors, ${c}`, at.errors, base.errors, { target: '0', met: at.errors === 0 }));
      rows.push(row(5, `twilio-run CPU ms per request, ${c}`, at.cpuMsPerRequest, base.cpuMsPerRequest));
      rows.push(row(6, `twilio-run peak RSS MB, ${c}`, at.peakRssMb, base.peakRssMb));
    });
  }
  for (const cache of r.cacheMemory) {
    rows.push(
      row(
        6,
        `cache MB, ${cache.bound}: ${cache.entries} entries, ${(cache.countedBytes / 1048576).toFixed(1)} MB counted`,
        cache.heapBytes / 1048576,
        null,
        {
          target: `bound ${(cache.maxBytes / 1048576).toFixed(0)} MB of JSON`,
        },
      ),
    );
  }
  for (const rate of r.emulatorRate)
    rows.push(row('E', `emulator req/s, GET interaction, c${rate.connections}`, rate.requestsPerSecond, null));
  return rows;
}

/** What makes a run unusable (not slow): missing figures, failed requests. The smoke run fails on these. */
function checkFigures(r: Results, rows: Row[]): string[] {
  const problems: string[] = [];
  for (const server of r.throughput)
    for (const at of server.at)
      if (at.errors > 0 || at.requestsPerSecond === 0)
        problems.push(`${server.name} c${at.connections}: ${at.errors} errors, ${at.requestsPerSecond} answers/s`);
  for (const rate of r.emulatorRate)
    if (rate.errors > 0 || rate.completed === 0) problems.push(`emulator c${rate.connections}: ${rate.errors} errors`);
  for (const line of rows)
    if ([line.project, line.baseline].some((cell) => /NaN|Infinity|undefined/.test(cell))) problems.push(`no figure: ${line.measure}`);
  if (r.upstreamCalls.every((count) => count.project === 0)) problems.push('the emulator request log counted no calls');
  return problems;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
