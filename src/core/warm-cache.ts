import type * as LruCacheModule from 'lru-cache';
import type { LRUCache } from 'lru-cache';
import { onFirstUse } from './on-first-use';

/** Loaded when a first value is kept: a container that never keeps one never loads lru-cache. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const lruCache = onFirstUse(() => require('lru-cache') as typeof LruCacheModule);

/**
 * What a warm container keeps between invocations: recent results in a
 * bounded LRU (entries and bytes, each with a TTL), and the work in flight so
 * that identical concurrent requests share one upstream fetch.
 */

export type Source = 'miss' | 'hit' | 'coalesced';

interface Bounds<V> {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
  sizeOf: (value: V) => number;
  /** The clock TTLs are measured by (tests); performance.now by default. */
  now?: () => number;
}

export class WarmCache<V extends object> {
  /** Built when the first value is kept: a container that never keeps one never loads lru-cache. */
  private entries: LRUCache<string, V> | undefined;
  private readonly inFlight = new Map<string, Promise<V>>();

  /** `sizeOf` is asked only for a value that is kept, so a cache that is off costs no sizing. */
  constructor(private readonly bounds: Bounds<V>) {}

  private keep(key: string, value: V, ttlMs: number | undefined): void {
    if (!this.entries) {
      const { maxEntries, maxBytes, sizeOf, now } = this.bounds;
      this.entries = new (lruCache().LRUCache)<string, V>({
        max: maxEntries,
        maxSize: maxBytes,
        sizeCalculation: (kept) => Math.max(1, sizeOf(kept)),
        ttl: this.bounds.ttlMs,
        // Expiry read from the clock at every get, not from a copy refreshed each millisecond: a TTL is a freshness bound.
        ttlResolution: 0,
        ...(now ? { perf: { now } } : {}),
      });
    }
    this.entries.set(key, value, ttlMs === undefined ? {} : { ttl: ttlMs });
  }

  /**
   * The cached value, or the one being fetched, or a new fetch. `fetch` says
   * per result whether it may be kept (partial answers are not) and for how
   * long at most.
   */
  async get(
    key: string,
    fetch: () => Promise<{ value: V; keep: boolean; ttlMs?: number }>,
    options: { fresh?: boolean } = {},
  ): Promise<{ value: V; source: Source }> {
    if (!options.fresh) {
      const cached = this.entries?.get(key);
      if (cached) return { value: cached, source: 'hit' };
      const pending = this.inFlight.get(key);
      if (pending) return { value: await pending, source: 'coalesced' };
    }
    const work = fetch().then((result) => {
      if (result.keep && this.bounds.ttlMs > 0 && result.ttlMs !== 0) this.keep(key, result.value, result.ttlMs);
      return result.value;
    });
    if (!options.fresh) this.inFlight.set(key, work);
    try {
      return { value: await work, source: 'miss' };
    } finally {
      if (this.inFlight.get(key) === work) this.inFlight.delete(key);
    }
  }

  /** The keys of the values held and of the fetches in flight. */
  keys(): string[] {
    return [...new Set([...(this.entries?.keys() ?? []), ...this.inFlight.keys()])];
  }

  /** Bytes held now, as the LRU counts them. */
  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
