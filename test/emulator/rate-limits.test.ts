import { RateLimiter, TWILIO_RATE_LIMITS } from '../../emulator/rate-limits';
import { startTestEmulator, type TestEmulator } from '../../harness';
import { rawRequest, type RawAnswer } from '../support/raw-api';
import { validateTwilioError } from '../support/twilio-oai';

/**
 * Twilio's rate limits, as the emulator answers them when they are on: per account and Flex Interactions
 * operation, a bucket of 20 that refills at 20 a second; past it Twilio's 429 (code 20429), logged with the
 * Debugger's warning 45780. Off unless asked for.
 */

/** The emulator's clock, held still unless a test moves it, so that a burst is a burst however slow the machine. */
let clock = Date.now();
let emulator: TestEmulator;
let sid: string;
let channelSid: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ rateLimits: TWILIO_RATE_LIMITS, now: () => clock });
  sid = emulator.seededSid('Inbound SMS');
  channelSid = emulator.store.find('interaction', sid)!.channelSids[0]!;
});
beforeEach(() => {
  // New buckets, full.
  emulator.rateLimits = TWILIO_RATE_LIMITS;
  emulator.clearRequests();
});
afterAll(() => emulator.close());

const auth = () => ({ user: emulator.accountSid, password: emulator.authToken });
const get = (path: string) => rawRequest(emulator.url, 'GET', path, { auth: auth() });
const burst = (count: number, path: string) => Promise.all(Array.from({ length: count }, () => get(path)));
const statuses = (answers: RawAnswer[]) => {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};
const admin = (method: string, json?: unknown) =>
  rawRequest(emulator.url, method, '/__emulator/rate-limits', { auth: 'none', ...(json !== undefined ? { json } : {}) });

test('a burst of 30 FetchInteraction: 20 answered, 10 refused with Twilio 429 (code 20429), logged with warning 45780', async () => {
  const answers = await burst(30, `/v1/Interactions/${sid}`);
  expect(statuses(answers)).toEqual({ 200: 20, 429: 10 });
  for (const refused of answers.filter((answer) => answer.status === 429)) {
    expect(validateTwilioError(refused.body)).toEqual([]);
    expect(refused.body).toEqual({
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    // Twilio documents no Retry-After on a REST 429, and the helper reads none.
    expect(refused.headers.get('retry-after')).toBeNull();
  }
  const log = emulator.requests();
  expect(log).toHaveLength(30);
  expect(log.filter((entry) => entry.status === 429)).toEqual(
    Array.from({ length: 10 }, () => expect.objectContaining({ operationId: 'FetchInteraction', fault: 'rate_limit', warning: 45780 })),
  );
  expect(log.filter((entry) => entry.status === 200).every((entry) => entry.fault === null && entry.warning === null)).toBe(true);
});

test('each operation has its own bucket; products outside Flex Interactions are not limited here', async () => {
  expect(statuses(await burst(25, `/v1/Interactions/${sid}`))).toEqual({ 200: 20, 429: 5 });
  expect(statuses(await burst(20, `/v1/Interactions/${sid}/Channels`))).toEqual({ 200: 20 });
  expect(statuses(await burst(20, `/v1/Interactions/${sid}/Channels/${channelSid}/Participants`))).toEqual({ 200: 20 });
  expect(statuses(await burst(20, `/v1/Interactions/${sid}/Channels/${channelSid}/Invites`))).toEqual({ 200: 20 });
  expect((await get(`/v1/Interactions/${sid}/Channels/${channelSid}/Invites`)).status).toBe(429);
  const task = emulator.store.find('task', emulator.store.find('interaction', sid)!.primaryTaskSid)!;
  expect(statuses(await burst(25, `/v1/Workspaces/${task.workspaceSid}/Tasks/${task.sid}`))).toEqual({ 200: 25 });
});

test('tokens come back at 20 a second: half after 500 ms, all 20 after a second, never more', async () => {
  const path = `/v1/Interactions/${sid}`;
  expect(statuses(await burst(21, path))).toEqual({ 200: 20, 429: 1 });
  clock += 500;
  expect(statuses(await burst(11, path))).toEqual({ 200: 10, 429: 1 });
  clock += 1000;
  expect(statuses(await burst(21, path))).toEqual({ 200: 20, 429: 1 });
  clock += 60_000;
  expect(statuses(await burst(21, path))).toEqual({ 200: 20, 429: 1 });
});

test('a refused write is not made; a request refused for its credentials takes no token', async () => {
  const path = `/v1/Interactions/${sid}`;
  const update = (ttid: string) => rawRequest(emulator.url, 'POST', path, { auth: auth(), form: { WebhookTtid: ttid } });
  for (let i = 0; i < 20; i += 1) expect((await update(`ttid_${i}`)).status).toBe(200);
  expect((await update('ttid_refused')).status).toBe(429);
  expect(emulator.store.find('interaction', sid)!.webhookTtid).toBe('ttid_19');

  for (let i = 0; i < 5; i += 1) expect((await rawRequest(emulator.url, 'GET', path, { auth: 'none' })).status).toBe(401);
  expect(statuses(await burst(20, path))).toEqual({ 200: 20 });
});

test('off by default: a burst of 30 is answered in full, as before', async () => {
  const unlimited = await startTestEmulator();
  try {
    expect(unlimited.rateLimits).toBeNull();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        rawRequest(unlimited.url, 'GET', `/v1/Interactions/${sid}`, {
          auth: { user: unlimited.accountSid, password: unlimited.authToken },
        }),
      ),
    );
    expect(statuses(answers)).toEqual({ 200: 30 });
  } finally {
    await unlimited.close();
  }
});

test('on the real clock: a burst past the limit is refused in part, and a second later the bucket is full again', async () => {
  const realTime = await startTestEmulator({ rateLimits: TWILIO_RATE_LIMITS });
  const path = `/v1/Interactions/${sid}`;
  const realBurst = (count: number) =>
    Promise.all(
      Array.from({ length: count }, () =>
        rawRequest(realTime.url, 'GET', path, { auth: { user: realTime.accountSid, password: realTime.authToken } }),
      ),
    );
  try {
    expect(statuses(await realBurst(40))[429]).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(statuses(await realBurst(20))).toEqual({ 200: 20 });
  } finally {
    await realTime.close();
  }
});

describe('GET, PUT and DELETE /__emulator/rate-limits', () => {
  test('read, replaced, refused when malformed, turned off; reset brings back those it started with', async () => {
    expect((await admin('GET')).body).toEqual({ rateLimits: TWILIO_RATE_LIMITS });

    const strict = { interactionsPerSecond: 2, syncObjectReadsPerSecond: 5, syncObjectWritesPerSecond: 5 };
    expect(await admin('PUT', strict)).toMatchObject({ status: 200, body: { rateLimits: strict } });
    expect(statuses(await burst(3, `/v1/Interactions/${sid}`))).toEqual({ 200: 2, 429: 1 });

    for (const bad of [
      { interactionsPerSecond: 2 },
      { ...strict, interactionsPerSecond: 0 },
      { ...strict, interactionsBurst: 1.5 },
      { ...strict, perAccount: true },
      { ...strict, interactionsPerSecond: '20' },
    ])
      expect((await admin('PUT', bad)).status).toBe(400);
    expect((await admin('GET')).body).toEqual({ rateLimits: strict });

    expect((await admin('DELETE')).status).toBe(204);
    expect((await admin('GET')).body).toEqual({ rateLimits: null });
    expect(statuses(await burst(30, `/v1/Interactions/${sid}`))).toEqual({ 200: 30 });

    expect((await rawRequest(emulator.url, 'POST', '/__emulator/reset', { auth: 'none' })).status).toBe(204);
    expect((await admin('GET')).body).toEqual({ rateLimits: TWILIO_RATE_LIMITS });
  });
});

describe('the buckets', () => {
  test('a burst larger than the rate: that many at once, then the rate', () => {
    let now = 0;
    const limiter = new RateLimiter(
      { interactionsPerSecond: 1, interactionsBurst: 5, syncObjectReadsPerSecond: 1, syncObjectWritesPerSecond: 1 },
      () => now,
    );
    const take = () => limiter.interactions('AC1', 'FetchInteraction') === null;
    expect(Array.from({ length: 6 }, take)).toEqual([true, true, true, true, true, false]);
    now += 999;
    expect(take()).toBe(false);
    now += 1;
    expect([take(), take()]).toEqual([true, false]);
    // Another account, another bucket.
    expect(limiter.interactions('AC2', 'FetchInteraction')).toBeNull();
  });

  test("a Sync object's reads and writes are counted apart, and refused with Sync's 429 (code 54009)", () => {
    const now = 0;
    const limiter = new RateLimiter({ ...TWILIO_RATE_LIMITS, syncObjectReadsPerSecond: 2, syncObjectWritesPerSecond: 1 }, () => now);
    const object = `ET${'0'.repeat(32)}`;
    expect([limiter.syncObject(object, 'read'), limiter.syncObject(object, 'read'), limiter.syncObject(object, 'write')]).toEqual([
      null,
      null,
      null,
    ]);
    const refused = limiter.syncObject(object, 'read')!;
    expect(refused.warning).toBeNull();
    expect(refused.error.status).toBe(429);
    expect(validateTwilioError(refused.error.body)).toEqual([]);
    expect(refused.error.body).toEqual({
      code: 54009,
      message: 'Rate limit exceeded',
      more_info: 'https://www.twilio.com/docs/errors/54009',
      status: 429,
    });
    expect(limiter.syncObject(object, 'write')).not.toBeNull();
    expect(limiter.syncObject(`ET${'1'.repeat(32)}`, 'write')).toBeNull();
  });

  test('off: nothing is refused', () => {
    const limiter = new RateLimiter(null, () => 0);
    expect(Array.from({ length: 100 }, () => limiter.interactions('AC1', 'FetchInteraction'))).not.toContainEqual(expect.anything());
  });
});
