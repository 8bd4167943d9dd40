/**
 * Twilio's rate limits, answered as Twilio answers them: a token bucket per account and Flex Interactions
 * operation (operationId), and one per Sync object for its reads and one for its writes. Off unless given.
 */
import { errors, type TwilioApiError } from './twilio-error';

export interface RateLimits {
  /** Requests per second an account may make to each Flex Interactions operation. */
  interactionsPerSecond: number;
  /** How many of them may come at once; `interactionsPerSecond` when absent. */
  interactionsBurst?: number;
  /** Reads (fetches) per second of one Sync object. */
  syncObjectReadsPerSecond: number;
  /** Writes (creates, updates, deletes) per second of one Sync object. */
  syncObjectWritesPerSecond: number;
}

/** Twilio's figures (emulator/README.md, "Rate limits", gives the sources). */
export const TWILIO_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({
  interactionsPerSecond: 20,
  interactionsBurst: 20,
  syncObjectReadsPerSecond: 20,
  syncObjectWritesPerSecond: 20,
});

/** The Debugger warning Twilio logs when Flex Interactions answers 429. */
export const INTERACTIONS_RATE_LIMIT_WARNING = 45780;

const perSecond = { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 } as const;

/** JSON Schema for PUT /__emulator/rate-limits. */
export const rateLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['interactionsPerSecond', 'syncObjectReadsPerSecond', 'syncObjectWritesPerSecond'],
  properties: {
    interactionsPerSecond: perSecond,
    interactionsBurst: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    syncObjectReadsPerSecond: perSecond,
    syncObjectWritesPerSecond: perSecond,
  },
} as const;

/** A request the limits turned away: Twilio's error, and the Debugger warning it logs, if any. */
export interface Refusal {
  error: TwilioApiError;
  warning: number | null;
}

export type SyncAccess = 'read' | 'write';

interface Bucket {
  tokens: number;
  at: number;
  capacity: number;
  perSecond: number;
}

/** The bucket's tokens at `now`: what it had, plus what refilled since, up to its capacity. */
function tokensAt(bucket: Bucket, now: number): number {
  // A clock that steps back refills nothing.
  return Math.min(bucket.capacity, bucket.tokens + (Math.max(0, now - bucket.at) * bucket.perSecond) / 1000);
}

/** Past this many buckets, full ones are dropped: a bucket that has refilled knows nothing a new one would not. */
const PRUNE_AT = 10_000;

export class RateLimiter {
  #limits: RateLimits | null;
  readonly #buckets = new Map<string, Bucket>();

  /** `now` in milliseconds: the emulator's clock, which a test may drive. */
  constructor(
    limits: RateLimits | null,
    private readonly now: () => number,
  ) {
    this.#limits = limits;
  }

  get limits(): RateLimits | null {
    return this.#limits;
  }

  /** New limits (null: off), every bucket full. */
  set limits(limits: RateLimits | null) {
    this.#limits = limits;
    this.#buckets.clear();
  }

  /** One request of the account to a Flex Interactions operation; a Refusal when its bucket is empty. */
  interactions(accountSid: string, operationId: string): Refusal | null {
    const limits = this.#limits;
    if (!limits) return null;
    const capacity = limits.interactionsBurst ?? limits.interactionsPerSecond;
    if (this.#take(`interactions ${accountSid} ${operationId}`, capacity, limits.interactionsPerSecond)) return null;
    return { error: errors.tooManyRequests(), warning: INTERACTIONS_RATE_LIMIT_WARNING };
  }

  /** One read or write of a Sync object (named by its SID); a Refusal when its bucket is empty. */
  syncObject(objectSid: string, access: SyncAccess): Refusal | null {
    const limits = this.#limits;
    if (!limits) return null;
    const rate = access === 'read' ? limits.syncObjectReadsPerSecond : limits.syncObjectWritesPerSecond;
    // Twilio states a 10 s burst window without saying how much it allows: one second's worth here.
    if (this.#take(`sync ${access} ${objectSid}`, rate, rate)) return null;
    return { error: errors.syncRateLimit(), warning: null };
  }

  #take(key: string, capacity: number, perSecond: number): boolean {
    const now = this.now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= PRUNE_AT) this.#prune(now);
      bucket = { tokens: capacity, at: now, capacity, perSecond };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = tokensAt(bucket, now);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) if (tokensAt(bucket, now) >= bucket.capacity) this.#buckets.delete(key);
  }
}
