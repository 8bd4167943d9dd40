/** Small statistics for the bench: percentiles of latencies and a load loop. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export interface LoadResult {
  /** Milliseconds per call, in completion order. */
  latencies: number[];
  /** Milliseconds from the first call to the last answer. */
  elapsedMs: number;
  /** CPU milliseconds (user + system) this process spent meanwhile. */
  cpuMs: number;
}

/** Runs `count` calls of `call`, `concurrency` at a time, timing each. */
export async function runLoad(call: () => Promise<unknown>, options: { count: number; concurrency: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;
  const worker = async () => {
    while (started < options.count) {
      started += 1;
      const t0 = performance.now();
      await call();
      latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { latencies, elapsedMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export interface LatencySummary {
  calls: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU milliseconds of this process per call. */
  cpuMsPerCall: number;
}

/** Summarizes several load runs of one variant (their latencies pooled, their rates summed over their time). */
export function summarize(runs: readonly LoadResult[]): LatencySummary {
  const latencies = runs.flatMap((run) => run.latencies);
  const elapsedMs = runs.reduce((sum, run) => sum + run.elapsedMs, 0);
  return {
    calls: latencies.length,
    perSecond: round((latencies.length / elapsedMs) * 1000, 1),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    cpuMsPerCall: round(runs.reduce((sum, run) => sum + run.cpuMs, 0) / latencies.length, 3),
  };
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Sums a count by operation (an emulator's `countSince`). */
export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
