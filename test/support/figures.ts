import { appendFileSync } from 'node:fs';

/** Records a figure for the run summary (see figures-reporter.js) and returns it. */
export function recordFigure<T extends string | number>(name: string, value: T): T {
  const file = process.env.ENRICHMENT_FIGURES_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value })}\n`);
  return value;
}
