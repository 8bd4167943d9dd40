/**
 * What became of each answer, and a row's figures from them. Every measured request has exactly one outcome, so the
 * four shares of a row add up to 1:
 * - complete: HTTP 200 that is the whole answer (the project's `meta.partial` and `meta.stale` not true; for the
 *   docs function, any 200);
 * - stale: HTTP 200 with `meta.stale` true, an older copy given knowingly;
 * - rate_limited: HTTP 429 whose body's `error.code` is `rate_limited`, a refusal the caller can act on;
 * - failed: anything else: another status or error, a partial answer, no answer within the client's timeout.
 */
import { percentile, round } from '../support/stats';
import type { StrategyName } from './scenario';

export type Outcome = 'complete' | 'stale' | 'rate_limited' | 'failed';

export interface Verdict {
  outcome: Outcome;
  /** For a failure: what it was (`timeout`, `HTTP 502 upstream_rate_limited`, `partial: upstream_error`, ...). */
  why: string | null;
}

/** The verdict on an answer that came, from its status and body. */
export function judge(strategy: StrategyName, status: number, text: string): Verdict {
  if (strategy === 'docs' && status === 200) return { outcome: 'complete', why: null };
  const body = parseJson(text);
  if (status === 200) {
    const meta = body?.meta;
    if (meta?.stale === true) return { outcome: 'stale', why: null };
    if (meta?.partial === true) {
      const codes = Array.isArray(meta.warnings) ? [...new Set(meta.warnings.map((w: { code?: unknown }) => String(w?.code)))] : [];
      return { outcome: 'failed', why: `partial: ${codes.sort().join(', ') || 'no warning'}` };
    }
    if (!meta) return { outcome: 'failed', why: 'HTTP 200 without meta' };
    return { outcome: 'complete', why: null };
  }
  const code = typeof body?.error?.code === 'string' ? (body.error.code as string) : null;
  if (status === 429 && code === 'rate_limited') return { outcome: 'rate_limited', why: null };
  return { outcome: 'failed', why: `HTTP ${status}${code ? ` ${code}` : ''}` };
}

/** The verdict on a request that got no answer. */
export function unanswered(error: 'timeout' | 'network'): Verdict {
  return { outcome: 'failed', why: error };
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export interface AnswerFigures {
  answers: number;
  complete: number;
  stale: number;
  rate_limited: number;
  failed: number;
  p50_ms: number;
  p99_ms: number;
}

/**
 * Shares of each outcome (unrounded, so that they add up to 1) and latency percentiles over all answers, whatever
 * their outcome: a timeout counts as the client's timeout.
 */
export function answerFigures(answers: ReadonlyArray<{ verdict: Verdict; latencyMs: number }>): AnswerFigures {
  const count = (outcome: Outcome) => answers.filter((a) => a.verdict.outcome === outcome).length;
  const share = (outcome: Outcome) => (answers.length === 0 ? NaN : count(outcome) / answers.length);
  const latencies = answers.map((a) => a.latencyMs);
  return {
    answers: answers.length,
    complete: share('complete'),
    stale: share('stale'),
    rate_limited: share('rate_limited'),
    failed: share('failed'),
    p50_ms: round(percentile(latencies, 50), 1),
    p99_ms: round(percentile(latencies, 99), 1),
  };
}

/** How many answers failed, by what went wrong. */
export function failuresByKind(answers: ReadonlyArray<{ verdict: Verdict }>): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const { verdict } of answers) if (verdict.why) kinds[verdict.why] = (kinds[verdict.why] ?? 0) + 1;
  return kinds;
}
