import { WarmCache } from '../../src/core/warm-cache';

/** The per-container cache on its own: single flight, what is kept, and its bounds. */

type Entry = { name: string; bytes: number };
const value =
  (name: string, bytes = 10, keep = true) =>
  async () => ({ value: { name, bytes }, keep });
const cacheOf = (bounds: { ttlMs: number; maxEntries: number; maxBytes: number }) =>
  new WarmCache<Entry>({ ...bounds, sizeOf: (entry) => entry.bytes });

test('concurrent gets of one key share one fetch', async () => {
  const cache = cacheOf({ ttlMs: 1000, maxEntries: 10, maxBytes: 10_000 });
  let fetches = 0;
  const slow = async () => {
    fetches += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { value: { name: 'a', bytes: 10 }, keep: true };
  };
  const results = await Promise.all([cache.get('k', slow), cache.get('k', slow), cache.get('k', slow)]);
  expect(fetches).toBe(1);
  expect(results.map((r) => r.source)).toEqual(['miss', 'coalesced', 'coalesced']);
  expect((await cache.get('k', slow)).source).toBe('hit');
});

test('a result marked not to keep (a partial answer) is not kept, and a failed fetch is not either', async () => {
  const cache = cacheOf({ ttlMs: 1000, maxEntries: 10, maxBytes: 10_000 });
  await cache.get('partial', value('p', 10, false));
  await expect(cache.get('failed', () => Promise.reject(new Error('upstream')))).rejects.toThrow('upstream');
  expect(cache.size).toBe(0);
  expect((await cache.get('failed', value('f'))).source).toBe('miss');
});

test('bounded by entries: the least recently used goes first', async () => {
  const cache = cacheOf({ ttlMs: 1000, maxEntries: 2, maxBytes: 10_000 });
  await cache.get('a', value('a'));
  await cache.get('b', value('b'));
  await cache.get('a', value('a'));
  await cache.get('c', value('c'));
  expect(cache.size).toBe(2);
  expect((await cache.get('a', value('a'))).source).toBe('hit');
  expect((await cache.get('b', value('b'))).source).toBe('miss');
});

test('bounded by bytes: entries are evicted to stay under the limit, and one larger than it is not kept', async () => {
  const cache = cacheOf({ ttlMs: 1000, maxEntries: 100, maxBytes: 1000 });
  for (const key of ['a', 'b', 'c']) await cache.get(key, value(key, 400));
  expect(cache.bytes).toBeLessThanOrEqual(1000);
  expect(cache.size).toBe(2);
  await cache.get('huge', value('huge', 5000));
  expect(cache.bytes).toBeLessThanOrEqual(1000);
  expect((await cache.get('huge', value('huge', 5000))).source).toBe('miss');
});

test('a per-entry TTL shorter than the cache TTL ends the entry sooner', async () => {
  const cache = cacheOf({ ttlMs: 60_000, maxEntries: 10, maxBytes: 10_000 });
  await cache.get('short', async () => ({ value: { name: 's', bytes: 10 }, keep: true, ttlMs: 30 }));
  expect((await cache.get('short', value('s'))).source).toBe('hit');
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect((await cache.get('short', value('s'))).source).toBe('miss');
});
