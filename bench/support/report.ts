import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CacheMemory } from '../measure/cache-memory';
import type { ColdStart } from '../measure/cold-start';
import type { LatencyWithAll } from '../measure/latency';
import type { measureOverhead, OverheadAt } from '../measure/overhead';
import type { ServerThroughput, ThroughputOptions } from '../measure/throughput';
import type { CallCount } from '../measure/upstream-calls';
import type { LoadFigures } from './load';

/** What `npm run bench` writes to bench/results/: the machine, the sizes, every figure, and the table it printed. */
export interface BenchReport {
  kind: 'full' | 'smoke';
  machine: Machine;
  sizes: Sizes;
  results: Results;
  rows: Row[];
}

/** How much each measurement does: a full run's, or the smoke run's few. */
export interface Sizes {
  coldStartRuns: number;
  overhead: Parameters<typeof measureOverhead>[1];
  latencySamples: number;
  throughput: ThroughputOptions;
}

export interface Results {
  coldStart: ColdStart;
  overhead: OverheadAt[];
  latency: LatencyWithAll;
  upstreamCalls: CallCount[];
  cacheMemory: CacheMemory[];
  throughput: ServerThroughput[];
  emulatorRate: LoadFigures[];
}

/** One line of the bench's table: the project's figure, the baseline's, their ratio, the target and whether it is met. */
export interface Row {
  item: string;
  measure: string;
  project: string;
  baseline: string;
  /** project ÷ baseline when both are numbers, or the median of per-round ratios where the bench has one. */
  ratio: string;
  target: string;
  met: 'yes' | 'no' | '';
}

export function row(
  item: number | string,
  measure: string,
  project: number | string,
  baseline: number | string | null,
  options: { target?: string; met?: boolean; ratio?: number } = {},
): Row {
  const ratio =
    options.ratio ?? (typeof project === 'number' && typeof baseline === 'number' && baseline !== 0 ? project / baseline : null);
  return {
    item: String(item),
    measure,
    project: format(project),
    baseline: baseline === null ? '' : format(baseline),
    ratio: ratio === null ? '' : ratio.toFixed(2),
    target: options.target ?? '',
    met: options.met === undefined ? '' : options.met ? 'yes' : 'no',
  };
}

/** A figure as the table shows it: an integer as it is, others with no decimal from 100, one from 10, two below. */
export function format(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

const HEADINGS: Record<keyof Row, string> = {
  item: '#',
  measure: 'measure',
  project: 'project',
  baseline: 'baseline',
  ratio: 'project ÷ baseline',
  target: 'target',
  met: 'met',
};

/** A Markdown table, so that the README can hold the printed table as it is. */
export function markdownTable(rows: Row[]): string {
  const columns = Object.keys(HEADINGS) as Array<keyof Row>;
  return markdownGrid(
    columns.map((column) => HEADINGS[column]),
    rows.map((r) => columns.map((column) => r[column])),
  );
}

/** A Markdown table of any headings and cells, columns padded to their widest cell. */
export function markdownGrid(headings: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headings.map((heading, i) => Math.max(heading.length, ...rows.map((cells) => cells[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headings), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export interface Machine {
  date: string;
  cores: number;
  cpu: string;
  node: string;
  loadAverageAtStart: number[];
  /** The commit checked out when the run began (`git rev-parse HEAD`), or null outside a git checkout. */
  commit: string | null;
  /**
   * The files that differed from that commit when the run began (`git status --porcelain`, untracked ones
   * included): empty when the code measured is the commit's, null outside a git checkout.
   */
  uncommittedChanges: string[] | null;
}

const ROOT = path.resolve(__dirname, '../..');

export function describeMachine(): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    date: new Date().toISOString(),
    cores: os.availableParallelism(),
    cpu: model.trim(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    ...checkedOut(),
  };
}

/** What code a run measures: the commit, and what the working tree changes of it. */
function checkedOut(): Pick<Machine, 'commit' | 'uncommittedChanges'> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git('rev-parse', 'HEAD').trim();
    const status = git('status', '--porcelain', '--untracked-files=all');
    return {
      commit,
      uncommittedChanges: status
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(3)),
    };
  } catch {
    // Not a git checkout: the figures stand without a commit.
    return { commit: null, uncommittedChanges: null };
  }
}

/** The code a run measured, in a few words: its commit, and whether the working tree changed it. */
export function describeCode({ commit, uncommittedChanges }: Pick<Machine, 'commit' | 'uncommittedChanges'>): string {
  if (commit === null) return 'not a git checkout: no commit recorded';
  const changes = uncommittedChanges ?? [];
  return changes.length === 0
    ? `commit ${commit.slice(0, 7)}, no uncommitted changes`
    : `commit ${commit.slice(0, 7)} WITH UNCOMMITTED CHANGES to ${changes.join(', ')}`;
}

/** What a project server of item 5 runs, as the table and the README name it. */
export function throughputVariant(server: Pick<ServerThroughput, 'name'>): string {
  return server.name.includes('default') ? 'defaults' : 'a fetch per request';
}
