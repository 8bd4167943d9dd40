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
  /** Tasks/s: the highest swept rate at which this rate and every lower one kept the complete share; 0 when none did. */
  project: number;
  docs: number;
  /** project ÷ docs; null when the docs function sustained none of the rates. */
  ratio: number | null;
}

export function sustainedRates(rows: readonly ScaleRow[], completeShare: number): Sustained[] {
  const viewers = [...new Set(rows.map((row) => row.viewers))];
  return viewers.map((v) => {
    const sustained = (strategy: StrategyName) => {
      let highest = 0;
      const swept = rows.filter((row) => row.strategy === strategy && row.viewers === v).sort((a, b) => a.tasks_per_s - b.tasks_per_s);
      for (const row of swept) {
        if (!(row.complete >= completeShare)) break;
        highest = row.tasks_per_s;
      }
      return highest;
    };
    const project = sustained('project');
    const docs = sustained('docs');
    return { viewers: v, project, docs, ratio: docs > 0 ? Math.round((project / docs) * 100) / 100 : null };
  });
}

export function sustainedTable(sustained: readonly Sustained[], completeShare: number): string {
  const rate = (n: number) => (n === 0 ? 'none' : String(n));
  return markdownGrid(
    ['viewers', `project: sustained tasks/s (≥ ${completeShare * 100}% complete)`, 'docs: sustained tasks/s', 'project ÷ docs'],
    sustained.map((s) => [String(s.viewers), rate(s.project), rate(s.docs), s.ratio === null ? 'n/a' : s.ratio.toFixed(2)]),
  );
}
