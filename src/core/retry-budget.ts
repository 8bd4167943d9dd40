/**
 * How many 429s a container may retry: a share of its first attempts, plus a
 * small reserve that refills with time so that a quiet container can still
 * retry the odd one. Retrying every 429 multiplies the load on an account that
 * is already over Twilio's limit; with a budget, retries stay a fraction of the
 * requests sent, whatever the overload (retry budgets as in gRPC and Finagle).
 */
export interface RetryBudgetOptions {
  /** Retries earned per first attempt (0.1: one retry per ten requests). */
  ratio: number;
  /** Retries earned per second whatever the traffic. */
  reservePerSecond: number;
  now?: () => number;
}

/** Retries banked at most: a burst after a quiet spell spends this many, then the ratio rules. */
export const MAX_BANKED_RETRIES = 10;

export class RetryBudget {
  private balance: number;
  private refilledAt: number;
  private readonly now: () => number;

  constructor(private readonly options: RetryBudgetOptions) {
    this.now = options.now ?? Date.now;
    this.refilledAt = this.now();
    this.balance = Math.min(MAX_BANKED_RETRIES, options.reservePerSecond);
  }

  /** A request's first attempt earns `ratio` of a retry. */
  earn(): void {
    this.refill();
    this.balance = Math.min(MAX_BANKED_RETRIES, this.balance + this.options.ratio);
  }

  /** Takes one retry if the budget holds one; false means: do not retry. */
  spend(): boolean {
    this.refill();
    if (this.balance < 1) return false;
    this.balance -= 1;
    return true;
  }

  private refill(): void {
    const now = this.now();
    const seconds = Math.max(0, now - this.refilledAt) / 1000;
    this.refilledAt = now;
    this.balance = Math.min(MAX_BANKED_RETRIES, this.balance + seconds * this.options.reservePerSecond);
  }
}

/**
 * Seconds to wait as Twilio's Retry-After header says (a number of seconds or
 * an HTTP date), or null when it says nothing usable.
 */
export function retryAfterSeconds(header: unknown, now: number = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (/^\d{1,6}$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/[a-z]/i.test(text)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
