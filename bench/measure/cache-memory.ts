import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/core/config';
import type { EnrichmentResult } from '../../src/core/payload';
import { WarmCache } from '../../src/core/warm-cache';

const ROOT = path.resolve(__dirname, '../..');

export interface CacheMemory {
  bound: string;
  maxEntries: number;
  maxBytes: number;
  /** Entries held once the cache is full. */
  entries: number;
  /** What the cache counts against CACHE_MAX_BYTES: the JSON length of each entry. */
  countedBytes: number;
  /** Memory held by the full cache after garbage collection: JS heap plus typed arrays (the LRU's index). */
  heapBytes: number;
  /** heapBytes / maxBytes. */
  heapPerBoundByte: number;
  sampleEntryJsonBytes: number;
}

/**
 * Item 6: the heap a full enrichment cache holds, with the default bounds
 * (where CACHE_MAX_ENTRIES binds first) and with the byte bound alone. Filled
 * with copies of a real include=all enrichment, each parsed from JSON as the
 * helper's answers are. Runs in a child process with --expose-gc so that the
 * heap can be measured after collection.
 */
export function measureCacheMemory(sample: EnrichmentResult): CacheMemory[] {
  const dir = path.join(ROOT, 'bench/results/.build');
  mkdirSync(dir, { recursive: true });
  const sampleFile = path.join(dir, 'cache-sample.json');
  writeFileSync(sampleFile, JSON.stringify(sample));
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, sampleFile], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the cache memory probe failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as CacheMemory[];
}

async function fillAndWeigh(
  sampleJson: string,
  bound: string,
  maxEntries: number,
  maxBytes: number,
  options: { empty?: boolean } = {},
): Promise<CacheMemory> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const used = () => {
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const before = used();
  const cache = new WarmCache<EnrichmentResult>({ ttlMs: 60_000, maxEntries, maxBytes, sizeOf: () => entryBytes });
  const entryBytes = JSON.stringify((JSON.parse(sampleJson) as EnrichmentResult).body).length;
  const inserts = options.empty ? 0 : Math.ceil((Math.min(maxEntries, maxBytes / entryBytes) + 10) * 1.2);
  for (let i = 0; i < inserts; i += 1) {
    const value = JSON.parse(sampleJson) as EnrichmentResult;
    await cache.get(`KD${i.toString(16).padStart(32, '0')}|all`, async () => ({ value, keep: true }));
  }
  const heapBytes = used() - before;
  return {
    bound,
    maxEntries,
    maxBytes,
    entries: cache.size,
    countedBytes: cache.bytes,
    heapBytes,
    heapPerBoundByte: Math.round((heapBytes / maxBytes) * 100) / 100,
    sampleEntryJsonBytes: entryBytes,
  };
}

async function probe(sampleFile: string): Promise<void> {
  const sampleJson = readFileSync(sampleFile, 'utf8');
  const defaults = parseConfig({});
  const results = [
    await fillAndWeigh(sampleJson, 'default bounds', defaults.cacheMaxEntries, defaults.cacheMaxBytes),
    // Enough entries never to bind, and no more: lru-cache allocates its index for CACHE_MAX_ENTRIES up front.
    await fillAndWeigh(sampleJson, 'CACHE_MAX_BYTES alone', 10_000, defaults.cacheMaxBytes),
    await fillAndWeigh(sampleJson, 'empty, CACHE_MAX_ENTRIES at its largest', 100_000, defaults.cacheMaxBytes, { empty: true }),
  ];
  process.stdout.write(JSON.stringify(results));
}

if (require.main === module) void probe(process.argv[2]!);
