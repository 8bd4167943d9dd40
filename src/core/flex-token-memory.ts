import type { LRUCache } from 'lru-cache';
import { ConcurrencyLimit } from './concurrency-limit';
import type { TokenValidation } from './twilio/twilio-gateway';
import { lruCache, WarmCache } from './warm-cache';

/**
 * IAM calls in flight per container, within the twilio helper's 20 sockets per host. Freed slots go by turns to the newest
 * and the oldest waiting token: a caller who comes after a burst waits for one IAM call to end, and a caller inside a
 * sustained stream is not passed by every token sent after it (docs/reliability.md, "Floods of bad tokens").
 */
export const VALIDATIONS_IN_FLIGHT = 16;
/** A refused token never becomes valid; short, so that a refusal IAM might take back costs little. */
const REFUSED_TOKEN_TTL_MS = 60_000;
const REFUSED_TOKEN_MAX_ENTRIES = 10_000;

/**
 * What a warm container keeps of Flex tokens, every entry keyed by the
 * token's fingerprint, never by the token: valid tokens' claims, the
 * validations in flight, the refusals (apart, so that a flood of refusals
 * cannot evict valid tokens), and the IAM calls' own concurrency slots.
 */
export class FlexTokenMemory {
  private readonly checks: WarmCache<TokenValidation>;
  /** Built on the first refusal: most containers never see one. */
  private refusals: LRUCache<string, { reason: string }> | undefined;
  readonly validations = new ConcurrencyLimit(VALIDATIONS_IN_FLIGHT, 'newest-and-oldest');

  /** `now`: the clock both memories' times to live are measured by (tests); performance.now by default. */
  constructor(
    validTtlMs: number,
    private readonly clock: { now?: () => number } = {},
  ) {
    this.checks = new WarmCache<TokenValidation>({
      ttlMs: validTtlMs,
      // Bounded by entries: a token's claims are a few hundred bytes.
      maxEntries: 10_000,
      maxBytes: 10_000,
      sizeOf: () => 1,
      now: clock.now,
    });
  }

  /** IAM's verdict on the token with this fingerprint, asked by `validate` unless remembered or already being asked. */
  async check(fingerprint: string, validate: () => Promise<{ check: TokenValidation; ttlMs: number }>): Promise<TokenValidation> {
    const refusal = this.refusals?.get(fingerprint);
    if (refusal) return { valid: false, reason: refusal.reason };
    const { value } = await this.checks.get(fingerprint, async () => {
      const { check, ttlMs } = await validate();
      if (!check.valid) this.refused().set(fingerprint, { reason: check.reason });
      return { value: check, keep: check.valid && ttlMs > 0, ttlMs };
    });
    return value;
  }

  /** Every key held, in flight included (tests check that they are fingerprints). */
  keys(): string[] {
    return [...this.checks.keys(), ...(this.refusals?.keys() ?? [])];
  }

  private refused(): LRUCache<string, { reason: string }> {
    if (!this.refusals) {
      const { now } = this.clock;
      this.refusals = new (lruCache().LRUCache)<string, { reason: string }>({
        max: REFUSED_TOKEN_MAX_ENTRIES,
        ttl: REFUSED_TOKEN_TTL_MS,
        // lru-cache keeps a reading of its clock for 1 ms: a given clock is read at every get.
        ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
      });
    }
    return this.refusals;
  }
}
