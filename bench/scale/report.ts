/** The rows of `npm run bench:scale`, the table they print as, and the sustained rate of each strategy. */
import { markdownGrid } from '../support/report';
import type { AnswerFigures } from './outcomes';
import type { Caller, StrategyName } from './scenario';
import type { UpstreamFigures } from './upstream';

export interface ScaleRow extends AnswerFigures, UpstreamFigures {
  strategy: StrategyName;
  tasks_per_s: number;
  viewers: number;
  /** Tasks that arrived in the measured window: what "per task" divides by. */
  tasks: number;
  /** Failed answers by what went wrong. */
  failures: Record<string, number>;
  /** The same answer figures for each caller alone. */
  by_caller: Record<Caller, AnswerFigures>;
  /** CPU the strategy's twilio-run processes spent in the window, per task (all containers together). */
  container_cpu_ms_per_task: number;
  /** How late the generator sent requests (99th percentile): a run where this is large measured the generator. */
  send_lag_p99_ms: number;
}

type Column = { heading: keyof ScaleRow; cell: (row: ScaleRow) => string };

const share = (value: number) => (Number.isNaN(value) ? 'NaN' : value.toFixed(4));
const figure = (value: number) => String(value);

/** The table's columns: the JSON's names, so that a figure in the table is found in the file under its heading. */
const COLUMNS: Column[] = [
  { heading: 'strategy', cell: (r) => r.strategy },
  { heading: 'tasks_per_s', cell: (r) => figure(r.tasks_per_s) },
  { heading: 'viewers', cell: (r) => figure(r.viewers) },
  { heading: 'answers', cell: (r) => figure(r.answers) },
  { heading: 'complete', cell: (r) => share(r.complete) },
  { heading: 'stale', cell: (r) => share(r.stale) },
  { heading: 'rate_limited', cell: (r) => share(r.rate_limited) },
  { heading: 'failed', cell: (r) => share(r.failed) },
  { heading: 'p50_ms', cell: (r) => figure(r.p50_ms) },
  { heading: 'p99_ms', cell: (r) => figure(r.p99_ms) },
  { heading: 'interactions_calls_per_task', cell: (r) => figure(r.interactions_calls_per_task) },
  { heading: 'upstream_429_per_task', cell: (r) => figure(r.upstream_429_per_task) },
  { heading: 'attempts_per_success', cell: (r) => figure(r.attempts_per_success) },
  { heading: 'iam_calls_per_task', cell: (r) => figure(r.iam_calls_per_task) },
  { heading: 'sync_calls_per_task', cell: (r) => figure(r.sync_calls_per_task) },
];

export function scaleTable(rows: readonly ScaleRow[]): string {
  return markdownGrid(
    COLUMNS.map((column) => column.heading),
    rows.map((row) => COLUMNS.map((column) => column.cell(row))),
  );
}

export interface Sustained {
  viewers: number;
  /** Per strategy, tasks/s: the highest swept rate at which it and every lower rate kept the complete share; 0 if none. */
  rates: Partial<Record<StrategyName, number>>;
  /** project ÷ docs; null when the docs function sustained none of the rates or either was not run. */
  ratio: number | null;
}

const rowsOf = (rows: readonly ScaleRow[], strategy: StrategyName, viewers: number) =>
  rows.filter((row) => row.strategy === strategy && row.viewers === viewers).sort((a, b) => a.tasks_per_s - b.tasks_per_s);

export function sustainedRates(rows: readonly ScaleRow[], completeShare: number): Sustained[] {
  const viewers = [...new Set(rows.map((row) => row.viewers))];
  const strategies = [...new Set(rows.map((row) => row.strategy))];
  return viewers.map((v) => {
    const rates: Partial<Record<StrategyName, number>> = {};
    for (const strategy of strategies) {
      let highest = 0;
      for (const row of rowsOf(rows, strategy, v)) {
        if (!(row.complete >= completeShare)) break;
        highest = row.tasks_per_s;
      }
      rates[strategy] = highest;
    }
    const { project, docs } = rates;
    const ratio = project !== undefined && docs !== undefined && docs > 0 ? Math.round((project / docs) * 100) / 100 : null;
    return { viewers: v, rates, ratio };
  });
}

export function sustainedTable(sustained: readonly Sustained[], completeShare: number): string {
  const rate = (n: number | undefined) => (n === undefined ? 'not run' : n === 0 ? 'none' : String(n));
  const strategies = [...new Set(sustained.flatMap((s) => Object.keys(s.rates) as StrategyName[]))];
  return markdownGrid(
    ['viewers', ...strategies.map((strategy) => `${strategy}: sustained tasks/s (≥ ${completeShare * 100}% complete)`), 'project ÷ docs'],
    sustained.map((s) => [
      String(s.viewers),
      ...strategies.map((strategy) => rate(s.rates[strategy])),
      s.ratio === null ? 'n/a' : s.ratio.toFixed(2),
    ]),
  );
}

/** The contact-centre targets, each with whether this run met it. */
export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

/** Targets a run's figures are held to (bench/README.md, "Contact-centre scale"); null where the run cannot say. */
export const TARGETS = {
  /** The project sustains at least this many times the docs function's rate, D. */
  sustainedOverDocs: 3,
  /** At this many times D, no answer fails (complete, stale or rate_limited), with a p99 under `overloadP99Ms`. */
  overloadTimesDocs: 5,
  overloadP99Ms: 3000,
  /** Upstream attempts per successful call in every project row, with or without Sync. */
  maxAttemptsPerSuccess: 1.2,
} as const;

export function targets(rows: readonly ScaleRow[], sustained: readonly Sustained[]): Target[] {
  const out: Target[] = [];
  for (const s of sustained) {
    const d = s.rates.docs;
    const p = s.rates.project;
    if (d === undefined || p === undefined) continue;
    out.push({
      target: `${s.viewers} viewers: project sustains ≥ ${TARGETS.sustainedOverDocs} × D`,
      measured: `D = ${d}, project ${p}`,
      met: d > 0 ? p >= TARGETS.sustainedOverDocs * d : null,
    });
    const overloadRate = TARGETS.overloadTimesDocs * Math.max(d, 1);
    for (const strategy of ['project', 'project-no-sync'] as const) {
      const row = rowsOf(rows, strategy, s.viewers).find((r) => r.tasks_per_s === overloadRate);
      out.push({
        target: `${s.viewers} viewers, ${strategy} at 5 × D (${overloadRate} tasks/s): failed 0, p99 < ${TARGETS.overloadP99Ms} ms`,
        measured: row ? `failed ${share(row.failed)}, p99 ${row.p99_ms} ms` : 'not swept',
        met: row ? row.failed === 0 && row.p99_ms < TARGETS.overloadP99Ms : null,
      });
    }
  }
  for (const strategy of ['project', 'project-no-sync'] as const) {
    const own = rows.filter((row) => row.strategy === strategy);
    if (own.length === 0) continue;
    const worst = Math.max(...own.map((row) => row.attempts_per_success));
    out.push({
      target: `${strategy}: attempts_per_success ≤ ${TARGETS.maxAttemptsPerSuccess} in every row`,
      measured: `at most ${worst}`,
      met: worst <= TARGETS.maxAttemptsPerSuccess,
    });
  }
  const viewers = [...new Set(rows.map((row) => row.viewers))].sort((a, b) => a - b);
  if (viewers.length > 1) {
    const project = rows.filter((row) => row.strategy === 'project');
    const spreads = [...new Set(project.map((row) => row.tasks_per_s))].map((rate) => {
      const calls = project.filter((row) => row.tasks_per_s === rate).map((row) => row.interactions_calls_per_task);
      return Math.max(...calls) - Math.min(...calls);
    });
    const worst = Math.max(...spreads);
    out.push({
      target: `project: Interactions calls per task the same with ${viewers.join(' and ')} viewers`,
      measured: `largest difference at one rate: ${round(worst)} calls per task`,
      met: worst <= SAME_CALLS_TOLERANCE,
    });
  }
  return out;
}

/** Calls per task measured over a window's tasks are "the same" within this much (a task's calls straddle its edges). */
export const SAME_CALLS_TOLERANCE = 0.25;

const round = (n: number) => Math.round(n * 1000) / 1000;

export function targetsTable(list: readonly Target[]): string {
  return markdownGrid(
    ['target', 'measured', 'met'],
    list.map((t) => [t.target, t.measured, t.met === null ? 'cannot say' : t.met ? 'yes' : 'no']),
  );
}
