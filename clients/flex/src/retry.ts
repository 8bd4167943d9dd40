import type { EnrichmentError } from './errors.js';

/** How hard the client tries when the endpoint rate-limits it or cannot be reached. */
export interface RetryOptions {
  /** Attempts per request, the first included (a retry after a token refresh is not counted). Default 4. */
  maxAttempts?: number;
  /** Time spent waiting between attempts, at most; a wait that would pass it is not started. Default 10000 ms. */
  maxTotalDelayMs?: number;
  /** The first backoff step after a network error; it doubles per retry, with full jitter. Default 250 ms. */
  baseDelayMs?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { maxAttempts: 4, maxTotalDelayMs: 10_000, baseDelayMs: 250 };

/**
 * How long to wait before attempt `attempt + 1`, or undefined when the failure is not retried: `rate_limited` waits what
 * the endpoint asked (`retryAfterSeconds`) plus up to one base step, so that the tabs it limited do not all come back
 * in the same instant; a network error waits a full-jitter exponential step. Every other failure is final.
 */
export function retryDelayMs(
  error: EnrichmentError,
  attempt: number,
  retry: Required<RetryOptions>,
  random: () => number,
): number | undefined {
  if (error.code === 'rate_limited') return (error.retryAfterSeconds ?? 1) * 1000 + Math.round(random() * retry.baseDelayMs);
  if (error.code === 'network_error') return Math.round(random() * retry.baseDelayMs * 2 ** (attempt - 1));
  return undefined;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
