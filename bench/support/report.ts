import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

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

function format(value: number | string): string {
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
  commit: string;
}

export function describeMachine(): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout: the figures stand without a commit.
  }
  return {
    date: new Date().toISOString(),
    cores: os.availableParallelism(),
    cpu: model.trim(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    commit,
  };
}
