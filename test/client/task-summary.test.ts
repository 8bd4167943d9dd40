import fc from 'fast-check';
import { createEnrichmentClient, type EnrichedInteraction } from '../../clients/flex/src/index';
import { readSummary, summaryOf } from '../../clients/flex/src/task-summary';
import type { EnrichedInteraction as ServerPayload } from '../../src/core/payload';
import { mergeSummary, writeBackSummary } from '../../src/core/task-write-back';
import { fakeEndpoint, ok, payload, SID } from './fake-endpoint';

const text = fc.option(fc.string({ maxLength: 12 }), { nil: null });
const sid = fc.stringMatching(/^KD[0-9a-f]{32}$/);
/** Payloads that differ in every field the summary takes. */
const payloads = fc
  .record({
    sid,
    channel: fc.record({ sid: text, type: text }),
    customer: fc.record({ name: text, address: text, from: text, phone: text, email: text }),
    conversation: fc.record({ sid: text, direction: fc.constantFrom('inbound' as const, 'outbound' as const, null) }),
    queueName: fc.option(text, { nil: undefined }),
    fetchedAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
  })
  .map(({ sid: interactionSid, channel, customer, conversation, queueName, fetchedAt }): EnrichedInteraction => {
    const base = payload(interactionSid, fetchedAt);
    const task = queueName === undefined ? null : ({ queueName } as EnrichedInteraction['task']);
    return { ...base, channel, customer, conversation: { ...conversation, initiatedBy: 'customer' }, task };
  });

test("property: the client's summary of a payload is the one the webhook's write-back writes", () => {
  fc.assert(
    fc.property(payloads, (given) => {
      expect(summaryOf(given)).toEqual(writeBackSummary(given as unknown as ServerPayload));
    }),
  );
});

test('property: what the write-back merges into task attributes, the client reads back whole', () => {
  fc.assert(
    fc.property(payloads, fc.constantFrom('enrichment', 'crm_enrichment'), (given, key) => {
      const attributes = `{"flexInteractionSid":"${given.interaction.sid}","crmId":12}`;
      const merged = mergeSummary(attributes, key, writeBackSummary(given as unknown as ServerPayload));
      if (!('attributes' in merged)) throw new Error(`the write-back refused: ${merged.refused}`);
      expect(readSummary(JSON.parse(merged.attributes), key, given.interaction.sid)).toEqual(summaryOf(given));
    }),
  );
});

describe('getTaskSummary reads what the webhook wrote first', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const written = (fetchedAt: string, extra: Record<string, unknown> = {}) => ({ ...summaryOf(payload(SID, fetchedAt)), ...extra });
  const taskWith = (attributes: Record<string, unknown>) => ({ attributes: { flexInteractionSid: SID, ...attributes } });

  function client(options: { taskSummaryMaxAgeMs?: number; writeBackKey?: string } = {}) {
    const endpoint = fakeEndpoint(() => ok(payload(SID, now.toISOString())));
    return {
      ...endpoint,
      client: createEnrichmentClient({ baseUrl: 'http://localhost:3000', getToken: () => 't', fetch: endpoint.fetch, ...options }),
    };
  }

  beforeEach(() => {
    jest.useFakeTimers({ now });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('a summary younger than taskSummaryMaxAgeMs answers, with no request', async () => {
    const { client: enrichment, calls } = client();
    const answer = await enrichment.getTaskSummary(taskWith({ enrichment: written(minutesAgo(9)) }));
    expect(answer).toEqual({ source: 'task', summary: written(minutesAgo(9)) });
    expect(calls).toHaveLength(0);
  });

  test('attributes as TaskRouter sends them, JSON text, are read too', async () => {
    const { client: enrichment, calls } = client();
    const attributes = JSON.stringify({ flexInteractionSid: SID, enrichment: written(minutesAgo(1)) });
    await expect(enrichment.getTaskSummary({ attributes })).resolves.toMatchObject({ source: 'task' });
    expect(calls).toHaveLength(0);
  });

  test('an older summary is not used: the endpoint answers, its summary made from the payload, which comes whole', async () => {
    const { client: enrichment, calls } = client();
    const answer = await enrichment.getTaskSummary(taskWith({ enrichment: written(minutesAgo(11)) }));
    expect(answer).toEqual({ source: 'endpoint', summary: written(now.toISOString()), interaction: payload(SID, now.toISOString()) });
    expect(calls.map((call) => call.body)).toEqual([{ Token: 't', InteractionSid: SID, include: '' }]);
  });

  test('the bound is the client’s taskSummaryMaxAgeMs, or the call’s maxAgeMs', async () => {
    const { client: enrichment, calls } = client({ taskSummaryMaxAgeMs: 60_000 });
    const task = taskWith({ enrichment: written(minutesAgo(2)) });
    await expect(enrichment.getTaskSummary(task)).resolves.toMatchObject({ source: 'endpoint' });
    await expect(enrichment.getTaskSummary(task, { maxAgeMs: 180_000 })).resolves.toMatchObject({ source: 'task' });
    expect(calls).toHaveLength(1);
  });

  test.each([
    ['no summary', {}],
    [
      'a summary without fetchedAt (written before the Service wrote one)',
      { enrichment: { ...written(minutesAgo(1)), fetchedAt: undefined } },
    ],
    ['a fetchedAt that is no date', { enrichment: written('yesterday') }],
    ["another interaction's summary", { enrichment: written(minutesAgo(1), { interactionSid: 'KD1c9b991218304f1c826cbde658417d17' }) }],
    ['a summary of another shape', { enrichment: written(minutesAgo(1), { customer: 'Priya' }) }],
    [
      'a direction the schema does not know',
      { enrichment: written(minutesAgo(1), { conversation: { sid: null, direction: 'sideways' } }) },
    ],
    ['something else under the key', { enrichment: 'stale' }],
  ])('%s: the endpoint answers', async (_case, attributes) => {
    const { client: enrichment, calls } = client();
    await expect(enrichment.getTaskSummary(taskWith(attributes))).resolves.toMatchObject({ source: 'endpoint' });
    expect(calls).toHaveLength(1);
  });

  test("the summary is read under the client's writeBackKey, the Service's WEBHOOK_WRITE_BACK_KEY", async () => {
    const { client: enrichment, calls } = client({ writeBackKey: 'crm_enrichment' });
    await expect(enrichment.getTaskSummary(taskWith({ crm_enrichment: written(minutesAgo(1)) }))).resolves.toMatchObject({
      source: 'task',
    });
    await expect(enrichment.getTaskSummary(taskWith({ enrichment: written(minutesAgo(1)) }))).resolves.toMatchObject({
      source: 'endpoint',
    });
    expect(calls).toHaveLength(1);
  });

  test('only the summary’s own fields are given back, whatever else is under the key', async () => {
    const { client: enrichment } = client();
    const answer = await enrichment.getTaskSummary(taskWith({ enrichment: written(minutesAgo(1), { notes: 'x' }) }));
    expect(answer.summary).toEqual(written(minutesAgo(1)));
  });

  test('ten task cards for one task without a summary make one request, shared with getInteraction', async () => {
    const { client: enrichment, calls } = client();
    await Promise.all([...Array.from({ length: 10 }, () => enrichment.getTaskSummary(taskWith({}))), enrichment.getInteraction(SID)]);
    expect(calls).toHaveLength(1);
  });

  test('a task that is no Flex interaction is missing_interaction_sid, with no request', async () => {
    const { client: enrichment, calls } = client();
    for (const task of [{ attributes: {} }, { attributes: 'not json' }, {}, { attributes: { flexInteractionSid: 42 } }])
      await expect(enrichment.getTaskSummary(task)).rejects.toMatchObject({ code: 'missing_interaction_sid', status: 400 });
    expect(calls).toHaveLength(0);
  });
});
