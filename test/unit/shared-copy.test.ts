import fc from 'fast-check';
import { parseConfig } from '../../src/core/config';
import { Deadline } from '../../src/core/deadline';
import { enrichInteraction } from '../../src/core/enrichment-service';
import { createLogger } from '../../src/core/logger';
import type { EnrichedInteraction, EnrichmentResult } from '../../src/core/payload';
import type { EnrichmentRequest } from '../../src/core/request-input';
import { documentName, NO_SHARED_COPIES, SyncSharedCopies } from '../../src/core/shared/shared-copies';
import { fitForSharing, MAX_SHARED_BYTES, readSnapshot } from '../../src/core/shared/snapshot';
import { WarmCache } from '../../src/core/warm-cache';
import { FakeTwilio } from '../support/fake-twilio';

/**
 * Containers that share nothing but a Sync Service: each test builds several
 * "containers" (a warm cache each) over one fake Twilio, and counts what
 * reached Twilio.
 */

const SERVICE = 'IS' + '5'.repeat(32);
const SID = 'KD' + '1'.repeat(32);
const ALL: EnrichmentRequest['include'] = ['channels', 'participants', 'invites', 'conversation', 'task'];

function containers(fake: FakeTwilio, settings: Record<string, string> = {}, clock: () => number = Date.now) {
  const config = parseConfig({ SYNC_SERVICE_SID: SERVICE, ...settings });
  const logger = createLogger({ requestId: 't', level: 'silent', secrets: [] });
  let ids = 0;
  const container = () => {
    const cache = new WarmCache<EnrichmentResult>({
      ttlMs: config.cacheTtlMs,
      maxEntries: 100,
      maxBytes: 1_000_000,
      sizeOf: () => 1,
      now: clock,
    });
    return (include: EnrichmentRequest['include'] = [], fresh = false): Promise<EnrichedInteraction> => {
      const gateway = fake.gateway();
      ids += 1;
      return enrichInteraction({
        request: { interactionSid: SID, include, fresh },
        gateway,
        cache,
        copies: config.sync ? new SyncSharedCopies(gateway, { serviceSid: SERVICE, ttlSeconds: 60, logger }) : NO_SHARED_COPIES,
        config,
        deadline: Deadline.in(7000, clock),
        requestId: `request-${ids}`,
        startedAt: clock(),
        now: clock,
      });
    };
  };
  return container;
}

test('a second container answers from the shared copy: no Twilio call, source shared, and its age', async () => {
  const fake = new FakeTwilio();
  const container = containers(fake);
  const [first, second] = [container(), container()];
  const fetched = await first(ALL);
  const callsAfterFirst = fake.twilioCalls();
  const shared = await second(ALL);
  expect(fetched.meta).toMatchObject({ source: 'twilio', stale: false, partial: false });
  expect(fake.twilioCalls()).toBe(callsAfterFirst);
  expect(shared.meta).toMatchObject({ source: 'shared', stale: false, cache: 'miss' });
  expect(shared.meta.ageMs).toBeGreaterThanOrEqual(0);
  expect({ ...shared, meta: null }).toEqual({ ...fetched, meta: null });
});

test('a view after Studio reuses the interaction Studio fetched: one FetchInteraction per task, whatever the include', async () => {
  const fake = new FakeTwilio();
  const container = containers(fake);
  await container()([]);
  await container()(ALL);
  await container()(ALL);
  expect(fake.calls.fetchInteraction).toBe(1);
  expect(fake.calls.listChannels).toBe(1);
});

test('ten views on three containers at once: the parts are fetched once (single flight across containers)', async () => {
  const fake = new FakeTwilio();
  const container = containers(fake);
  await container()([]);
  const three = [container(), container(), container()];
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => three[i % 3]!(ALL)));
  expect(answers.map((a) => a.meta.partial)).toEqual(answers.map(() => false));
  expect(fake.calls).toMatchObject({ fetchInteraction: 1, listChannels: 1, listChannelParticipants: 1, listChannelInvites: 1 });
});

test('fresh=true uses no part of the copy, and refreshes it for the others', async () => {
  const fake = new FakeTwilio();
  const container = containers(fake);
  await container()(ALL);
  const refreshed = await container()(ALL, true);
  expect(refreshed.meta).toMatchObject({ source: 'twilio', cache: 'bypass' });
  expect(fake.calls.fetchInteraction).toBe(2);
  const after = await container()(ALL);
  expect(after.meta.source).toBe('shared');
  expect(Date.parse(after.meta.fetchedAt)).toBeGreaterThanOrEqual(Date.parse(refreshed.meta.fetchedAt));
});

test('when Twilio rate-limits: a copy within SYNC_STALE_MAX_MS answers marked stale; without one, 429 rate_limited', async () => {
  let clock = Date.parse('2026-12-05T10:00:00Z');
  const fake = new FakeTwilio();
  const container = containers(fake, { SYNC_MAX_AGE_MS: '10000', SYNC_STALE_MAX_MS: '60000', CACHE_TTL_MS: '0' }, () => clock);
  await container()(ALL);
  clock += 30_000;
  fake.rateLimited.add('fetchInteraction');
  const stale = await container()(ALL);
  expect(stale.meta).toMatchObject({ stale: true, source: 'shared', ageMs: 30_000, partial: false });
  clock += 31_000;
  await expect(container()(ALL)).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
});

test('Sync down: every answer still comes, from Twilio, as without Sync', async () => {
  const fake = new FakeTwilio();
  fake.syncDown = true;
  const container = containers(fake);
  const answers = await Promise.all([container()(ALL), container()(ALL), container()([])]);
  expect(answers.map((a) => [a.meta.source, a.meta.partial])).toEqual([
    ['twilio', false],
    ['twilio', false],
    ['twilio', false],
  ]);
});

test('a Sync Document that is not a copy this code wrote is ignored, then replaced', async () => {
  const fake = new FakeTwilio();
  fake.documents.set(documentName(SID), { data: { v: 1, interaction: { at: 'yesterday', value: 42 } }, revision: 7 });
  const container = containers(fake);
  const answer = await container()([]);
  expect(answer.meta.source).toBe('twilio');
  expect(readSnapshot(fake.documents.get(documentName(SID))!.data)).not.toBeNull();
});

test('without SYNC_SERVICE_SID nothing is shared and Sync is never called', async () => {
  const fake = new FakeTwilio();
  const container = containers(fake, { SYNC_SERVICE_SID: '' });
  await container()(ALL);
  await container()(ALL);
  expect(fake.calls.fetchInteraction).toBe(2);
  expect(Object.keys(fake.calls).filter((method) => method.includes('Sync'))).toEqual([]);
});

test('a copy over 16 KiB drops its largest lists first and keeps the interaction; the shared document stays under the limit', () => {
  const big = {
    at: 1,
    value: Array.from({ length: 400 }, (_, i) => ({ sid: `UT${i}`, type: 'agent', routingProperties: 'x'.repeat(40) })),
  };
  const fitted = fitForSharing({
    v: 1,
    interaction: { at: 1, value: { sid: SID } as never },
    participants: { UO1: big as never },
  })!;
  expect(fitted.interaction).toBeDefined();
  expect(fitted.participants).toBeUndefined();
  expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(MAX_SHARED_BYTES);
});

test('the freshness bound: across containers and clocks, no answer that is not stale is older than SYNC_MAX_AGE_MS', async () => {
  const maxAgeMs = 4000;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          advanceMs: fc.integer({ min: 0, max: 3000 }),
          container: fc.integer({ min: 0, max: 2 }),
          include: fc.constantFrom<EnrichmentRequest['include']>([], ['channels'], ALL),
          fresh: fc.boolean(),
        }),
        { minLength: 1, maxLength: 25 },
      ),
      async (steps) => {
        let clock = Date.parse('2026-12-05T10:00:00Z');
        const fake = new FakeTwilio();
        const container = containers(fake, { SYNC_MAX_AGE_MS: String(maxAgeMs), CACHE_TTL_MS: '5000' }, () => clock);
        const three = [container(), container(), container()];
        for (const step of steps) {
          clock += step.advanceMs;
          const answer = await three[step.container]!(step.include, step.fresh);
          expect(answer.meta.stale).toBe(false);
          expect(answer.meta.ageMs).toBeLessThanOrEqual(maxAgeMs);
        }
      },
    ),
    { numRuns: 60 },
  );
});
