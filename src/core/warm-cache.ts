import { LRUCache } from 'lru-cache';

/**
 * What a warm container keeps between invocations: recent results in a
 * bounded LRU (entries and bytes, each with a TTL), and the work in flight so
 * that identical concurrent requests share one upstream fetch.
 */

export type Source = 'miss' | 'hit' | 'coalesced';

export class WarmCache<V extends object> {
  private readonly entries: LRUCache<string, V> | null;
  private readonly inFlight = new Map<string, Promise<V>>();

  /** `sizeOf` is asked only for a value that is kept, so a cache that is off costs no sizing. */
  constructor(options: { ttlMs: number; maxEntries: number; maxBytes: number; sizeOf: (value: V) => number }) {
    this.entries =
      options.ttlMs > 0
        ? new LRUCache<string, V>({
            max: options.maxEntries,
            maxSize: options.maxBytes,
            sizeCalculation: (value) => Math.max(1, options.sizeOf(value)),
            ttl: options.ttlMs,
          })
        : null;
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
      if (result.keep && this.entries && result.ttlMs !== 0)
        this.entries.set(key, result.value, result.ttlMs === undefined ? {} : { ttl: result.ttlMs });
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
