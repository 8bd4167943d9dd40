import fc from 'fast-check';
import { describeInteraction } from '../../src/core/enrich';
import {
  SCHEMA_VERSION,
  type ChannelSummary,
  type ConversationParticipant,
  type EnrichedInteraction,
  type Transfer,
  type Warning,
} from '../../src/core/payload';
import { byteSize, fitWithin, jsonSizeBound } from '../../src/core/studio-fit';
import { seededInteraction } from '../support/seed-fixtures';
import { assertMatchesSchema } from '../support/schema';

/** /studio/interaction answers must stay under Studio's 64 kB whatever the interaction holds. */

function payload(parts: {
  channels?: ChannelSummary[];
  people?: ConversationParticipant[];
  warnings?: Warning[];
  note?: string;
  transfer?: Transfer;
}): EnrichedInteraction {
  const { body } = describeInteraction(seededInteraction('three channels'));
  return {
    ...body,
    task: body.task && { ...body.task, attributes: { ...body.task.attributes, note: parts.note ?? '' } },
    channels: parts.channels ?? [],
    ...(parts.transfer ? { transfer: parts.transfer } : {}),
    conversation: { ...body.conversation, participants: parts.people ?? [] },
    meta: {
      schemaVersion: SCHEMA_VERSION,
      requestId: 'fit-test',
      fetchedAt: '2026-11-25T10:00:00.000Z',
      durationMs: 12,
      upstreamCalls: 9,
      include: ['channels', 'participants', 'invites', 'conversation'],
      cache: 'miss',
      source: 'twilio',
      ageMs: 0,
      stale: false,
      partial: (parts.warnings ?? []).length > 0,
      warnings: parts.warnings ?? [],
    },
  };
}

const sid = (prefix: string) => fc.stringMatching(/^[0-9a-f]{32}$/).map((hex) => prefix + hex);
const text = (max: number) => fc.string({ maxLength: max, unit: 'binary' });
const channel: fc.Arbitrary<ChannelSummary> = fc.record({
  sid: sid('UO'),
  type: fc.constantFrom('sms', 'email', 'whatsapp'),
  status: fc.constantFrom('active', 'closed'),
  errorCode: fc.constant(null),
  errorMessage: fc.option(text(300), { nil: null }),
  participants: fc.array(
    fc.record({
      sid: sid('UT'),
      type: fc.constant('agent'),
      channelSid: sid('UO'),
      workerSid: sid('WK'),
      taskSid: fc.option(sid('WT'), { nil: null }),
      routingProperties: fc.dictionary(text(20), text(400)),
    }),
    { maxLength: 12 },
  ),
  invites: fc.array(
    fc.record({
      sid: sid('KG'),
      taskSid: sid('WT'),
      queueSid: sid('WQ'),
      queueName: text(200),
      workflowSid: sid('WW'),
      workflowName: text(200),
      assignmentStatus: fc.constant('pending'),
    }),
    { maxLength: 8 },
  ),
});
const transfer: fc.Arbitrary<Transfer> = fc.record({
  sid: sid('UX'),
  channelSid: sid('UO'),
  type: fc.constantFrom('warm', 'cold', 'external'),
  status: fc.constantFrom('active', 'completed'),
  fromParticipantSid: sid('UT'),
  to: text(30_000),
  noteSid: fc.constant(null),
  summarySid: fc.constant(null),
  dateCreated: fc.constant('2026-11-30T08:00:00.000Z'),
  dateUpdated: fc.constant('2026-11-30T08:01:00.000Z'),
});
const person: fc.Arbitrary<ConversationParticipant> = fc.record({
  sid: sid('MB'),
  identity: fc.option(text(80), { nil: null }),
  address: fc.option(text(40), { nil: null }),
  proxyAddress: fc.constant(null),
  bindingType: fc.constant('sms'),
  attributes: fc.dictionary(text(10), text(200)),
  dateCreated: fc.constant('2026-11-25T09:15:58.000Z'),
});
const warning: fc.Arbitrary<Warning> = fc.record({
  code: fc.constantFrom('participants_unavailable', 'channels_unavailable'),
  message: text(600),
});

test('a payload that fits is returned as it is', () => {
  const small = payload({});
  expect(fitWithin(small, 60_000)).toBe(small);
});

test('any payload is trimmed under the bound, still matches the schema, and says it was trimmed', () => {
  let trimmed = 0;
  fc.assert(
    fc.property(
      fc.array(channel, { maxLength: 250, size: 'max' }),
      fc.array(person, { maxLength: 200, size: 'max' }),
      fc.array(warning, { maxLength: 300, size: 'max' }),
      fc.string({ maxLength: 80_000, size: 'max' }),
      fc.integer({ min: 16_384, max: 64_000 }),
      fc.option(transfer, { nil: undefined }),
      (channels, people, warnings, note, maxBytes, transferred) => {
        const original = payload({ channels, people, warnings, note, ...(transferred ? { transfer: transferred } : {}) });
        const fitted = fitWithin(original, maxBytes);
        expect(byteSize(fitted)).toBeLessThanOrEqual(maxBytes);
        assertMatchesSchema('payload', fitted);
        if (byteSize(original) > maxBytes) {
          trimmed += 1;
          expect(fitted.meta.warnings.at(-1)!.code).toBe('truncated');
          expect(fitted.meta.truncated).toBeDefined();
        }
      },
    ),
    { numRuns: 50, endOnFailure: true },
  );
  // The property means little unless most runs needed trimming.
  expect(trimmed).toBeGreaterThan(25);
});

test('lists are cut before anything else, and their original lengths are named', () => {
  const many = Array.from({ length: 800 }, (_, i) => ({
    sid: `UO${i.toString(16).padStart(32, '0')}`,
    type: 'email',
    status: 'closed',
    errorCode: null,
    errorMessage: null,
    participants: [],
  }));
  const fitted = fitWithin(payload({ channels: many }), 60_000);
  expect(fitted.meta.truncated).toEqual({ channels: 800 });
  expect(fitted.channels!.length).toBeGreaterThan(0);
  expect(fitted.task!.attributes).not.toBeNull();
});

test('links are dropped whole when they alone are too large: shortening strings does not shorten their names', () => {
  const base = payload({});
  const linked = { ...base, interaction: { ...base.interaction, links: { ['channels'.repeat(9_000)]: 'https://flex-api.twilio.com/' } } };
  const fitted = fitWithin(linked, 60_000);
  expect(byteSize(fitted)).toBeLessThanOrEqual(60_000);
  expect(fitted.interaction.links).toBeNull();
  assertMatchesSchema('payload', fitted);
});

test('hundreds of failures of one kind become one warning that counts them', () => {
  const warnings = Array.from({ length: 500 }, (_, i) => ({
    code: 'participants_unavailable' as const,
    message: `The participants of channel UO${i} could not be read: Twilio kept rate-limiting this account (HTTP 429). `.repeat(2),
  }));
  const fitted = fitWithin(payload({ warnings }), 20_000);
  expect(byteSize(fitted)).toBeLessThanOrEqual(20_000);
  expect(fitted.meta.warnings.filter((w) => w.code === 'participants_unavailable')).toEqual([
    expect.objectContaining({ message: expect.stringContaining('and 499 more like it') }),
  ]);
});

test('the quick size bound is never below the real size, so a payload it lets through fits', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: 'binary' }), (json, text) => {
      expect(jsonSizeBound(json)).toBeGreaterThanOrEqual(byteSize(json));
      expect(jsonSizeBound({ text, list: [text, -1.7976931348623157e308, null] })).toBeGreaterThanOrEqual(
        byteSize({ text, list: [text, -1.7976931348623157e308, null] }),
      );
    }),
    { numRuns: 500, examples: [[-0.0000010668838738227762, '']] },
  );
  // Fixed notation down to 1e-6 makes the longest numbers: 25 characters.
  expect(jsonSizeBound(-0.0000010668838738227762)).toBeGreaterThanOrEqual(byteSize(-0.0000010668838738227762));
  expect(jsonSizeBound({ at: new Date(0) })).toBeGreaterThanOrEqual(byteSize({ at: new Date(0) }));
});
