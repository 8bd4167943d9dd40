import { LRUCache } from 'lru-cache';

/**
 * What a warm container keeps between invocations: recent results in a
 * bounded LRU (entries and bytes, each with a TTL), and the work in flight so
 * that identical concurrent requests share one upstream fetch.
 */

export interface Cached<V> {
  value: V;
  bytes: number;
}

export type Source = 'miss' | 'hit' | 'coalesced';

export class WarmCache<V extends object> {
  private readonly entries: LRUCache<string, Cached<V>> | null;
  private readonly inFlight = new Map<string, Promise<Cached<V>>>();

  constructor(options: { ttlMs: number; maxEntries: number; maxBytes: number }) {
    this.entries =
      options.ttlMs > 0
        ? new LRUCache<string, Cached<V>>({
            max: options.maxEntries,
            maxSize: options.maxBytes,
            sizeCalculation: (entry) => Math.max(1, entry.bytes),
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
    fetch: () => Promise<{ value: V; bytes: number; keep: boolean; ttlMs?: number }>,
    options: { fresh?: boolean } = {},
  ): Promise<{ value: V; source: Source }> {
    if (!options.fresh) {
      const cached = this.entries?.get(key);
      if (cached) return { value: cached.value, source: 'hit' };
      const pending = this.inFlight.get(key);
      if (pending) return { value: (await pending).value, source: 'coalesced' };
    }
    const work = fetch().then((result) => {
      const entry = { value: result.value, bytes: result.bytes };
      if (result.keep && this.entries && result.ttlMs !== 0)
        this.entries.set(key, entry, result.ttlMs === undefined ? {} : { ttl: result.ttlMs });
      return entry;
    });
    if (!options.fresh) this.inFlight.set(key, work);
    try {
      return { value: (await work).value, source: 'miss' };
    } finally {
      if (this.inFlight.get(key) === work) this.inFlight.delete(key);
    }
  }

  /** Bytes held now, as the LRU counts them. */
  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
