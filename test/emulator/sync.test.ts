import { TWILIO_RATE_LIMITS } from '../../emulator/rate-limits';
import { startTestEmulator, type TestEmulator } from '../../harness';
import { rawRequest, statusCounts } from '../support/raw-api';
import { validateTwilioError } from '../support/twilio-oai';

/**
 * Sync's behaviour beyond a single answer: Documents that expire, Twilio's per-object rate limits on reads and
 * writes, and faults injected by operationId as for every other operation.
 */

const SERVICE = 'IS955a9d7833302df324fb4ee3f3553e6c';
const documents = `/v1/Services/${SERVICE}/Documents`;

/** The emulator's clock, moved by the tests. */
let clock = Date.now();
let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ now: () => clock });
});
beforeEach(() => {
  emulator.rateLimits = null;
  emulator.faults = { rules: [] };
  emulator.clearRequests();
});
afterAll(() => emulator.close());

const call = (method: string, path: string, form?: Record<string, string>) =>
  rawRequest(emulator.url, method, path, {
    auth: { user: emulator.accountSid, password: emulator.authToken },
    ...(form ? { form } : {}),
    headers: { 'X-Forwarded-Host': 'sync.twilio.com' },
  });
const times = <T>(count: number, make: (index: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => make(i)));

describe('time to live', () => {
  test('an expired Document is gone: 404 by SID and by name, out of the list, and its name free again', async () => {
    const created = await call('POST', documents, { UniqueName: 'KD-expiring', Data: '{"a":1}', Ttl: '60' });
    clock += 59_000;
    expect((await call('GET', `${documents}/KD-expiring`)).status).toBe(200);
    clock += 1_000;
    const gone = await call('GET', `${documents}/${created.body.sid}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 20404, status: 404 });
    expect((await call('GET', `${documents}/KD-expiring`)).status).toBe(404);
    expect((await call('POST', `${documents}/KD-expiring`, { Data: '{}' })).status).toBe(404);
    const listed = await call('GET', `${documents}?PageSize=1000`);
    expect(listed.body.documents.map((d: { sid: string }) => d.sid)).not.toContain(created.body.sid);
    const again = await call('POST', documents, { UniqueName: 'KD-expiring', Data: '{"a":2}' });
    expect(again.status).toBe(201);
    expect(again.body.sid).not.toBe(created.body.sid);
  });
});

describe("Twilio's rate limits, per Sync object", () => {
  beforeEach(() => {
    emulator.rateLimits = TWILIO_RATE_LIMITS;
  });

  test('20 reads of one Document pass, by SID or by name alike; the rest are 429, code 54009; another Document is untouched', async () => {
    const created = await call('POST', documents, { UniqueName: 'KD-read-limit', Data: '{}' });
    const other = await call('POST', documents, { UniqueName: 'KD-read-other', Data: '{}' });
    const reads = await times(25, (i) => call('GET', `${documents}/${i % 2 === 0 ? created.body.sid : 'KD-read-limit'}`));
    expect(statusCounts(reads)).toEqual({ 200: 20, 429: 5 });
    for (const refused of reads.filter((answer) => answer.status === 429)) {
      expect(validateTwilioError(refused.body)).toEqual([]);
      expect(refused.body).toEqual({
        code: 54009,
        message: 'Rate limit exceeded',
        more_info: 'https://www.twilio.com/docs/errors/54009',
        status: 429,
      });
    }
    expect((await call('GET', `${documents}/${other.body.sid}`)).status).toBe(200);
    // Writes have their own bucket.
    expect((await call('POST', `${documents}/KD-read-limit`, { Data: '{"written":true}' })).status).toBe(200);
    expect(emulator.requests().filter((entry) => entry.status === 429)).toEqual(
      Array.from({ length: 5 }, () => expect.objectContaining({ operationId: 'FetchDocument', fault: 'rate_limit', warning: null })),
    );
    clock += 1000;
    expect(statusCounts(await times(20, () => call('GET', `${documents}/KD-read-limit`)))).toEqual({ 200: 20 });
  });

  test('create, updates and delete are writes of one object: the 21st in a second is refused, and changes nothing', async () => {
    expect((await call('POST', documents, { UniqueName: 'KD-write-limit', Data: '{"n":0}' })).status).toBe(201);
    for (let n = 1; n < 20; n += 1) expect((await call('POST', `${documents}/KD-write-limit`, { Data: `{"n":${n}}` })).status).toBe(200);
    expect((await call('DELETE', `${documents}/KD-write-limit`)).status).toBe(429);
    expect((await call('POST', `${documents}/KD-write-limit`, { Data: '{"n":99}' })).status).toBe(429);
    expect((await call('GET', `${documents}/KD-write-limit`)).body).toMatchObject({ data: { n: 19 }, revision: '19' });
    // Lists and anonymous creates name no object.
    expect(statusCounts(await times(25, () => call('GET', `${documents}?PageSize=1`)))).toEqual({ 200: 25 });
    expect(statusCounts(await times(25, () => call('POST', documents, { Data: '{}' })))).toEqual({ 201: 25 });
  });

  test('off: a burst of reads of one Document is answered in full', async () => {
    emulator.rateLimits = null;
    await call('POST', documents, { UniqueName: 'KD-unlimited', Data: '{}' });
    expect(statusCounts(await times(30, () => call('GET', `${documents}/KD-unlimited`)))).toEqual({ 200: 30 });
  });
});

describe('faults, by operationId', () => {
  test('an error for FetchDocument, latency for UpdateDocument; CreateDocument untouched', async () => {
    emulator.faults = {
      rules: [
        { match: 'FetchDocument', errors: [{ status: 503, rate: 1 }] },
        { match: 'UpdateDocument', latencyMs: 120 },
      ],
    };
    expect((await call('POST', documents, { UniqueName: 'KD-faults', Data: '{}' })).status).toBe(201);
    const fetched = await call('GET', `${documents}/KD-faults`);
    expect(fetched.status).toBe(503);
    expect(validateTwilioError(fetched.body)).toEqual([]);
    const started = performance.now();
    expect((await call('POST', `${documents}/KD-faults`, { Data: '{"slow":true}' })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect(emulator.requests().map((entry) => [entry.operationId, entry.status, entry.fault])).toEqual([
      ['CreateDocument', 201, null],
      ['FetchDocument', 503, 'error'],
      ['UpdateDocument', 200, 'latency'],
    ]);
  });
});
