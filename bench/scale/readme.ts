// The figures of `npm run bench:scale` in the docs, written from the recorded run (bench/results/scale-recorded.json):
// the rows, the sustained rates and the targets, each between `<!-- generated: NAME -->` markers, in bench/README.md
// and docs/scale.md. `npm run bench:scale -- --record` records the run it has just made; `npm run docs` rewrites the
// sections from the recorded run as it is, and test/unit/generated-docs.test.ts fails when they differ.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceGenerated } from '../../scripts/generated-section';
import { measuredCode } from '../support/readme';
import type { Machine } from '../support/report';
import { scaleTable, sustainedTable, targetsTable, type ScaleRow, type Sustained, type Target } from './report';
import type { Scenario, StrategyName } from './scenario';

export const SCALE_RECORDED_RUN = 'bench/results/scale-recorded.json';
/** The files that quote the recorded run. */
export const SCALE_DOCS = ['bench/README.md', 'docs/scale.md'] as const;

/** What bench/scale/run.ts writes. */
export interface ScaleRun {
  rows: ScaleRow[];
  sustained: Sustained[];
  targets: Target[];
  machine: Machine;
  scenario: Scenario;
  durationSeconds: number;
  smoke: boolean;
}

/** `doc` with each generated section of the scale run rewritten from `run` (sections it does not have are left out). */
export function scaleSections(doc: string, run: ScaleRun): string {
  const share = run.scenario.sustainedCompleteShare;
  const sections: Array<[name: string, content: string]> = [
    ['scale run', runSentence(run)],
    ['scale rows', scaleTable(run.rows)],
    ['scale sustained', sustainedTable(run.sustained, share)],
    ['scale targets', targetsTable(run.targets)],
    ['scale capacity', capacityTable(run)],
    ['scale calls', callsTable(run)],
  ];
  return sections.reduce(
    (text, [name, content]) => (text.includes(`<!-- generated: ${name} `) ? replaceGenerated(text, name, content) : text),
    doc,
  );
}

/** Makes the run written to `file` the recorded one, and rewrites the docs' sections from it. */
export function recordScaleRun(file: string, root: string): void {
  const run = JSON.parse(readFileSync(file, 'utf8')) as ScaleRun;
  if (run.smoke) throw new Error(`${file} is a smoke run: only a full run is recorded.`);
  copyFileSync(file, path.join(root, SCALE_RECORDED_RUN));
  for (const doc of SCALE_DOCS) {
    const at = path.join(root, doc);
    writeFileSync(at, scaleSections(readFileSync(at, 'utf8'), run));
  }
}

function runSentence({ machine, scenario, durationSeconds, rows }: ScaleRun): string {
  const [load1, load5, load15] = machine.loadAverageAtStart;
  const lag = Math.max(...rows.map((row) => row.send_lag_p99_ms));
  return [
    `Run of ${machine.date.slice(0, 16).replace('T', ' ')} UTC, \`npm run bench:scale\` (${scenario.compare.join(', ')};`,
    `rates ${scenario.tasksPerSecond.join(', ')} tasks/s; ${scenario.viewers.join(' and ')} viewers; ${scenario.containers} containers each;`,
    `${scenario.windowSeconds} s measured per row), ${durationSeconds} s in all, on ${machine.cores} cores (${machine.cpu}) with Node ${machine.node};`,
    `load average ${load1}, ${load5} and ${load15} at its start. ${measuredCode(machine)}`,
    `The generator kept its schedule within ${lag} ms (the largest \`send_lag_p99_ms\`). \`${SCALE_RECORDED_RUN}\` holds every figure.`,
  ].join(' ');
}

const STRATEGY_LABEL: Record<StrategyName, string> = {
  project: 'the project with Sync (`SYNC_SERVICE_SID`)',
  'project-no-sync': 'the project without Sync (defaults)',
  docs: "the function of Twilio's docs",
};

/** Sustained tasks/s per configuration and viewers: the architect's table. */
function capacityTable({ sustained, scenario }: ScaleRun): string {
  const strategies = scenario.compare;
  const rate = (n: number | undefined) =>
    n === undefined ? 'not run' : n === 0 ? 'below the lowest rate swept' : `${n} tasks/s (${n * 3600} an hour)`;
  return [
    `| configuration | ${sustained.map((s) => `${s.viewers} viewers per task`).join(' | ')} |`,
    `| --- | ${sustained.map(() => '---').join(' | ')} |`,
    ...strategies.map((strategy) => `| ${STRATEGY_LABEL[strategy]} | ${sustained.map((s) => rate(s.rates[strategy])).join(' | ')} |`),
  ].join('\n');
}

/** Upstream calls per task by operation at the lowest rate (nothing refused), per strategy and viewers. */
function callsTable({ rows, scenario }: ScaleRun): string {
  const lowest = Math.min(...scenario.tasksPerSecond);
  const picked = rows.filter((row) => row.tasks_per_s === lowest && row.strategy !== 'docs');
  const operations = [...new Set(picked.flatMap((row) => Object.keys(row.upstream_calls_per_task_by_operation)))].sort();
  return [
    `| operation | ${picked.map((row) => `${row.strategy}, ${row.viewers} viewers`).join(' | ')} |`,
    `| --- | ${picked.map(() => '---:').join(' | ')} |`,
    ...operations.map(
      (op) => `| \`${op}\` | ${picked.map((row) => String(row.upstream_calls_per_task_by_operation[op] ?? 0)).join(' | ')} |`,
    ),
    `| all | ${picked.map((row) => String(row.upstream_calls_per_task)).join(' | ')} |`,
  ].join('\n');
}
