import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { recordFigure } from '../support/figures';
import { requestEndpoint } from '../support/endpoints';

/**
 * The warm container's cache, counted in the emulator's request log: cold,
 * warm, coalesced and refreshed enrichments, partial answers, and Flex token
 * validations.
 */

const CACHE_TTL_MS = 1500;

let emulator: TestEmulator;
let functions: FunctionsServer;

beforeAll(async () => {
  emulator = await startTestEmulator();
  functions = await startFunctions(
    emulatorEnv(emulator, { CACHE_TTL_MS: String(CACHE_TTL_MS), UPSTREAM_RETRY_BASE_MS: '10', LOG_LEVEL: 'warn' }),
  );
}, 60_000);
beforeEach(() => emulator.clearRequests());
afterEach(() => {
  emulator.faults = { rules: [] };
});
afterAll(async () => {
  await functions?.stop();
  await emulator?.close();
});

const studio = (fields: Record<string, string>) => requestEndpoint(functions.url, 'POST', '/studio/interaction', { form: fields });
const flex = (fields: Record<string, string>) => requestEndpoint(functions.url, 'POST', '/interaction', { form: fields });
const calls = () => emulator.countByOperation();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('enrichments', () => {
  test('cold: one upstream call; warm: none, with the same payload', async () => {
    const sid = emulator.seededSid('Inbound SMS');
    const cold = await studio({ InteractionSid: sid });
    expect(cold.body.meta).toMatchObject({ cache: 'miss', upstreamCalls: 1 });
    expect(calls()).toEqual({ FetchInteraction: 1 });

    emulator.clearRequests();
    const warm = await studio({ InteractionSid: sid });
    expect(warm.body.meta).toMatchObject({ cache: 'hit', upstreamCalls: 0, fetchedAt: cold.body.meta.fetchedAt });
    expect(calls()).toEqual({});
    expect({ ...warm.body, meta: null }).toEqual({ ...cold.body, meta: null });
    recordFigure('cache: upstream calls, cold / warm request', `${cold.body.meta.upstreamCalls} / ${warm.body.meta.upstreamCalls}`);
  });

  test('another include is another entry; fresh=true fetches again and refreshes the entry', async () => {
    const sid = emulator.seededSid('Web chat');
    await studio({ InteractionSid: sid });
    emulator.clearRequests();
    expect((await studio({ InteractionSid: sid, include: 'task' })).body.meta.cache).toBe('miss');
    expect(calls()).toEqual({ FetchInteraction: 1, FetchTask: 1 });

    // Another transfer asked for is another entry too.
    emulator.clearRequests();
    const transferSid = 'UX' + '0'.repeat(32);
    expect((await studio({ InteractionSid: sid, TransferSid: transferSid })).body.meta.cache).toBe('miss');
    expect((await studio({ InteractionSid: sid, TransferSid: transferSid })).body.meta.cache).toBe('hit');
    expect(calls()).toEqual({ FetchInteraction: 1, FetchInteractionTransfer: 1 });

    emulator.clearRequests();
    const fresh = await studio({ InteractionSid: sid, fresh: 'true' });
    expect(fresh.body.meta).toMatchObject({ cache: 'bypass', upstreamCalls: 1 });
    const after = await studio({ InteractionSid: sid });
    expect(after.body.meta).toMatchObject({ cache: 'hit', fetchedAt: fresh.body.meta.fetchedAt });
    expect(calls()).toEqual({ FetchInteraction: 1 });
  });

  test('the webhook honours fresh=true like the other endpoints', async () => {
    const sid = emulator.seededSid('Web chat');
    const webhook = (fields: Record<string, string>) => requestEndpoint(functions.url, 'POST', '/webhooks/interaction', { form: fields });
    await webhook({ InteractionSid: sid });
    emulator.clearRequests();
    expect((await webhook({ InteractionSid: sid })).body.meta.cache).toBe('hit');
    expect((await webhook({ InteractionSid: sid, fresh: 'true' })).body.meta).toMatchObject({ cache: 'bypass', upstreamCalls: 1 });
    expect(calls()).toEqual({ FetchInteraction: 1 });
  });

  test(`an entry lives CACHE_TTL_MS (${CACHE_TTL_MS} ms), then the next request fetches again`, async () => {
    const sid = emulator.seededSid('Email');
    await studio({ InteractionSid: sid });
    await sleep(CACHE_TTL_MS + 100);
    emulator.clearRequests();
    expect((await studio({ InteractionSid: sid })).body.meta.cache).toBe('miss');
    expect(calls()).toEqual({ FetchInteraction: 1 });
  });

  test('20 identical concurrent requests share one upstream fetch', async () => {
    emulator.faults = { rules: [{ match: 'FetchInteraction', latencyMs: 300 }] };
    const sid = emulator.seededSid('Inbound WhatsApp');
    const answers = await Promise.all(Array.from({ length: 20 }, () => studio({ InteractionSid: sid })));
    const sources: Record<string, number> = {};
    for (const answer of answers) sources[answer.body.meta.cache] = (sources[answer.body.meta.cache] ?? 0) + 1;
    recordFigure('cache: 20 concurrent identical requests, upstream calls', `${calls().FetchInteraction} (${JSON.stringify(sources)})`);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(calls()).toEqual({ FetchInteraction: 1 });
    expect(sources.miss).toBe(1);
    expect(sources.coalesced).toBeGreaterThan(0);
  });

  test('a partial answer is not kept: the next request fetches everything again', async () => {
    emulator.faults = { rules: [{ match: 'FetchTask', errors: [{ status: 503, rate: 1 }] }] };
    const sid = emulator.seededSid('Inbound voice');
    expect((await studio({ InteractionSid: sid, include: 'task' })).body.meta.partial).toBe(true);
    emulator.faults = { rules: [] };
    emulator.clearRequests();
    const next = await studio({ InteractionSid: sid, include: 'task' });
    expect(next.body.meta).toMatchObject({ cache: 'miss', partial: false });
    expect(calls()).toEqual({ FetchInteraction: 1, FetchTask: 1 });
  });
});

describe('Flex tokens', () => {
  test('a plugin calling ten times with one token makes one IAM call', async () => {
    const token = emulator.mintFlexToken();
    const sids = ['Inbound SMS', 'Web chat'].map((label) => emulator.seededSid(label));
    for (let i = 0; i < 10; i += 1) expect((await flex({ Token: token, InteractionSid: sids[i % 2]! })).status).toBe(200);
    recordFigure('cache: IAM calls for 10 requests with one Flex token', calls().ValidateToken ?? 0);
    expect(calls().ValidateToken).toBe(1);
  });

  test('concurrent first uses of one token share one IAM call', async () => {
    emulator.faults = { rules: [{ match: 'ValidateToken', latencyMs: 200 }] };
    const token = emulator.mintFlexToken();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => flex({ Token: token, InteractionSid: emulator.seededSid('Email') })),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(calls().ValidateToken).toBe(1);
  });

  test("a validation is kept no longer than the token's expiration: then IAM is asked again, and refuses it", async () => {
    const token = emulator.mintFlexToken({ ttlSeconds: 1 });
    const sid = emulator.seededSid('Inbound SMS');
    expect((await flex({ Token: token, InteractionSid: sid })).status).toBe(200);
    expect((await flex({ Token: token, InteractionSid: sid })).status).toBe(200);
    expect(calls().ValidateToken).toBe(1);
    await sleep(1100);
    const expired = await flex({ Token: token, InteractionSid: sid });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('invalid_token');
    expect(calls().ValidateToken).toBe(2);
  });

  test('a token that is not a JWT costs no IAM call; a refused one costs one, however often it comes back', async () => {
    const forged = `${Buffer.from('{"alg":"dir","enc":"A256GCM"}').toString('base64url')}..aXY.Y2lwaGVydGV4dA.dGFn`;
    for (const token of ['not.a.token', forged, forged, forged]) {
      const answer = await flex({ Token: token, InteractionSid: emulator.seededSid('Email') });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('invalid_token');
    }
    expect(calls()).toEqual({ ValidateToken: 1 });
  });
});
