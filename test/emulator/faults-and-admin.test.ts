import { decide } from '../../emulator/faults';
import { RequestLog } from '../../emulator/request-log';
import { startTestEmulator, type TestEmulator } from '../../harness';
import { rawRequest } from '../support/raw-api';
import { validateTwilioError } from '../support/twilio-oai';

let emulator: TestEmulator;
let sid: string;
const auth = () => ({ user: emulator.accountSid, password: emulator.authToken });
const fetchInteraction = (signal?: AbortSignal) =>
  fetch(`${emulator.url}/v1/Interactions/${sid}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}` },
    ...(signal ? { signal } : {}),
  });
const admin = (method: string, path: string, json?: unknown) =>
  rawRequest(emulator.url, method, `/__emulator${path}`, { auth: 'none', ...(json !== undefined ? { json } : {}) });

beforeAll(async () => {
  emulator = await startTestEmulator();
  sid = emulator.seededSid('Inbound SMS');
});
afterEach(() => {
  emulator.faults = { rules: [] };
});
afterAll(() => emulator.close());

describe('fault decisions', () => {
  const rolls = (...values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length]!;
  };

  test('one roll picks an error by cumulative rate; latency adds up across matching rules', () => {
    const config = {
      rules: [
        {
          match: '*',
          latencyMs: 50,
          errors: [
            { status: 429 as const, rate: 0.2 },
            { status: 503 as const, rate: 0.05 },
          ],
        },
        { match: 'FetchInteraction', latencyMs: 25 },
        { match: 'FetchTask', latencyMs: 1000 },
      ],
    };
    expect(decide(config, 'FetchInteraction', rolls(0.1))).toEqual({ latencyMs: 75, outcome: 429 });
    expect(decide(config, 'FetchInteraction', rolls(0.22))).toEqual({ latencyMs: 75, outcome: 503 });
    expect(decide(config, 'FetchInteraction', rolls(0.5))).toEqual({ latencyMs: 75, outcome: 'pass' });
    expect(decide(config, 'ListInteractionChannel', rolls(0.9))).toEqual({ latencyMs: 50, outcome: 'pass' });
  });

  test('hangRate hangs before any error is rolled', () => {
    expect(decide({ rules: [{ hangRate: 0.5, errors: [{ status: 500, rate: 1 }] }] }, 'X', () => 0.1).outcome).toBe('hang');
  });
});

describe('faults over HTTP', () => {
  test('added latency delays the answer by at least that much', async () => {
    emulator.faults = { rules: [{ match: 'FetchInteraction', latencyMs: 150 }] };
    const started = performance.now();
    expect((await fetchInteraction()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  test('a hang accepts the request and never answers; it is logged with no status', async () => {
    emulator.faults = { rules: [{ match: 'FetchInteraction', hangRate: 1 }] };
    emulator.clearRequests();
    await expect(fetchInteraction(AbortSignal.timeout(300))).rejects.toThrow();
    expect(emulator.requests()).toEqual([expect.objectContaining({ operationId: 'FetchInteraction', status: null, fault: 'hang' })]);
  });

  test('a request its client gives up on during added latency is logged, once, with no status: the call was made', async () => {
    emulator.faults = { rules: [{ match: 'FetchInteraction', latencyMs: 400 }] };
    emulator.clearRequests();
    await expect(fetchInteraction(AbortSignal.timeout(100))).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.requests()).toEqual([expect.objectContaining({ operationId: 'FetchInteraction', status: null, fault: 'latency' })]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(emulator.requests()).toHaveLength(1);
  });

  test('nextPageUrl: a page of a matching list names that URL as its next page, set over the admin route too; other answers are as they were', async () => {
    const channels = `/v1/Interactions/${sid}/Channels`;
    const list = () => rawRequest(emulator.url, 'GET', channels, { auth: auth() });
    expect((await list()).body.meta.next_page_url).toBeNull();
    const nextPageUrl = 'https://elsewhere.example/v1/next?PageToken=PT1';
    expect((await admin('PUT', '/faults', { rules: [{ match: 'ListInteractionChannel', nextPageUrl }] })).status).toBe(200);
    emulator.clearRequests();
    const page = await list();
    expect(page.status).toBe(200);
    expect(page.body.meta).toMatchObject({ next_page_url: nextPageUrl, key: 'channels' });
    expect(page.body.channels.length).toBeGreaterThan(0);
    expect((await fetchInteraction()).status).toBe(200);
    expect(emulator.requests().map((r) => [r.operationId, r.fault])).toEqual([
      ['ListInteractionChannel', 'next_page'],
      ['FetchInteraction', null],
    ]);
    expect((await admin('PUT', '/faults', { rules: [{ nextPageUrl: '' }] })).status).toBe(400);
  });

  test('past maxInFlight requests in flight, Twilio 429 (code 20429) at once', async () => {
    emulator.faults = { maxInFlight: 2, rules: [{ match: 'FetchInteraction', hangRate: 1 }] };
    const hanging = [0, 1].map(() => fetchInteraction(AbortSignal.timeout(1000)).catch(() => 'aborted'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await rawRequest(emulator.url, 'GET', `/v1/Interactions/${sid}`, { auth: auth() });
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 20429, status: 429 });
    expect(validateTwilioError(third.body)).toEqual([]);
    expect(await Promise.all(hanging)).toEqual(['aborted', 'aborted']);
  });
});

describe('admin routes', () => {
  test('faults can be set, read and cleared at run time; a bad configuration is refused', async () => {
    const config = { rules: [{ match: ['FetchTask'], latencyMs: 10, errors: [{ status: 503, rate: 0.5 }] }], maxInFlight: 20 };
    expect((await admin('PUT', '/faults', config)).status).toBe(200);
    expect((await admin('GET', '/faults')).body).toEqual(config);
    expect((await admin('PUT', '/faults', { rules: [{ errors: [{ status: 418, rate: 2 }] }] })).status).toBe(400);
    expect((await admin('DELETE', '/faults')).status).toBe(204);
    expect((await admin('GET', '/faults')).body).toEqual({ rules: [], maxInFlight: null });
  });

  test('the request log can be read and reset', async () => {
    await admin('DELETE', '/requests');
    await fetchInteraction();
    const log = await admin('GET', '/requests');
    expect(log.body.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: `/v1/Interactions/${sid}`, operationId: 'FetchInteraction', status: 200 }),
    ]);
    expect((await admin('GET', `/requests?since=${log.body.lastSeq}`)).body.requests).toEqual([]);
  });

  test('flex tokens are minted for a seeded worker, with chosen roles and lifetime', async () => {
    const minted = await admin('POST', '/flex-tokens', { roles: ['supervisor'], ttl_seconds: 60 });
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({ token: expect.any(String), roles: ['supervisor'], worker_sid: expect.stringMatching(/^WK/) });
    const validation = await rawRequest(emulator.url, 'POST', `/v1/Accounts/${emulator.accountSid}/Tokens/validate`, {
      auth: auth(),
      json: { token: minted.body.token },
    });
    expect(validation.body).toMatchObject({ valid: true, roles: ['supervisor'] });
    expect((await admin('POST', '/flex-tokens', { roles: 'agent' })).status).toBe(400);
  });

  test('reset brings back the seed', async () => {
    await rawRequest(emulator.url, 'POST', `/v1/Interactions/${sid}`, { auth: auth(), form: { WebhookTtid: 'changed' } });
    expect((await admin('POST', '/reset')).status).toBe(204);
    const fetched = await rawRequest(emulator.url, 'GET', `/v1/Interactions/${sid}`, { auth: auth() });
    expect(fetched.body.webhook_ttid).not.toBe('changed');
  });
});

test('the request log keeps the newest entries up to its bound, trimming in batches', () => {
  const log = new RequestLog();
  const entry = {
    at: '',
    method: 'GET',
    path: '/v1/Interactions',
    query: '',
    host: null,
    operationId: 'FetchInteraction',
    status: 200,
    durationMs: 1,
    fault: null,
    warning: null,
  };
  for (let i = 0; i < 230_000; i += 1) log.add(entry);
  const kept = log.list();
  expect(kept.length).toBeLessThanOrEqual(220_000);
  expect(kept.length).toBeGreaterThanOrEqual(200_000);
  expect(kept.at(-1)!.seq).toBe(230_000);
  expect(log.list(229_990)).toHaveLength(10);
});
