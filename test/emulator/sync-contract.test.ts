import { startTestEmulator, type TestEmulator } from '../../harness';
import { rawRequest, type RawAnswer } from '../support/raw-api';
import { undeclaredProperties, validateAgainstSpec, validateTwilioError } from '../support/twilio-oai';

/**
 * Every Sync answer the emulator gives, checked against twilio_sync_v1.json: success bodies against the
 * operation's schema, with no property the spec does not declare; errors against Twilio's error schema, with
 * Sync's own codes. Requests name sync.twilio.com in X-Forwarded-Host, as the project's http client does.
 */

const SERVICE = 'IS955a9d7833302df324fb4ee3f3553e6c';
const SERVICE_NAME = 'interaction-enrichments';
const SYNC = 'twilio_sync_v1.json#';

let clock = Date.now();
let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ now: () => clock });
});
afterAll(() => emulator.close());

const call = (
  method: string,
  path: string,
  options: { form?: Record<string, string>; headers?: Record<string, string>; host?: string | null } = {},
) =>
  rawRequest(emulator.url, method, path, {
    auth: { user: emulator.accountSid, password: emulator.authToken },
    ...(options.form ? { form: options.form } : {}),
    headers: { ...(options.host === null ? {} : { 'X-Forwarded-Host': options.host ?? 'sync.twilio.com' }), ...options.headers },
  });
const documents = `/v1/Services/${SERVICE}/Documents`;
const createDocument = (form: Record<string, string>) => call('POST', documents, { form });

function expectSpecResponse(operationId: string, answer: RawAnswer, status: number, listKey?: string) {
  expect(answer.status).toBe(status);
  expect(validateAgainstSpec(SYNC + operationId, status, answer.body)).toEqual([]);
  expect(undeclaredProperties(SYNC + operationId, status, answer.body, listKey)).toEqual([]);
}

function expectTwilioError(answer: RawAnswer, status: number, code: number, message?: string) {
  expect(answer.status).toBe(status);
  expect(validateTwilioError(answer.body)).toEqual([]);
  expect(answer.body).toMatchObject({ status, code, more_info: `https://www.twilio.com/docs/errors/${code}` });
  if (message !== undefined) expect(answer.body.message).toBe(message);
}

describe('Services', () => {
  test('FetchService: the seeded Service, by SID and by unique name', async () => {
    const bySid = await call('GET', `/v1/Services/${SERVICE}`);
    expectSpecResponse('FetchService', bySid, 200);
    expect(bySid.body).toMatchObject({
      sid: SERVICE,
      unique_name: SERVICE_NAME,
      account_sid: emulator.accountSid,
      url: `https://sync.twilio.com/v1/Services/${SERVICE}`,
      links: { documents: `https://sync.twilio.com/v1/Services/${SERVICE}/Documents` },
      acl_enabled: false,
      reachability_debouncing_window: 5000,
    });
    expect((await call('GET', `/v1/Services/${SERVICE_NAME}`)).body).toEqual(bySid.body);
  });

  test('CreateService and ListService', async () => {
    const created = await call('POST', '/v1/Services', { form: { FriendlyName: 'Second', AclEnabled: 'true' } });
    expectSpecResponse('CreateService', created, 201);
    expect(created.body).toMatchObject({
      friendly_name: 'Second',
      acl_enabled: true,
      unique_name: null,
      sid: expect.stringMatching(/^IS/),
    });
    const listed = await call('GET', '/v1/Services?PageSize=1');
    expectSpecResponse('ListService', listed, 200, 'services');
    expect(listed.body.meta).toMatchObject({ key: 'services', next_page_url: expect.stringMatching(/^https:\/\/sync\.twilio\.com\//) });
    expectTwilioError(await call('POST', '/v1/Services', { form: { ReachabilityDebouncingWindow: '10' } }), 400, 20001);
  });

  test("Serverless and Sync share /v1/Services: the host named picks the product, and without one it is Serverless's", async () => {
    expect((await call('GET', `/v1/Services/${SERVICE}`, { host: 'serverless.twilio.com' })).status).toBe(404);
    expect((await call('GET', `/v1/Services/${SERVICE}`, { host: null })).status).toBe(404);
    const serverless = await call('GET', '/v1/Services', { host: 'serverless.twilio.com' });
    expect(serverless.body.meta.url).toMatch(/^https:\/\/serverless\.twilio\.com\//);
    const operations = emulator.requests().map((entry) => `${entry.operationId} ${entry.host}`);
    expect(operations).toEqual(expect.arrayContaining(['ListService serverless.twilio.com', 'FetchService sync.twilio.com']));
  });

  test('an unknown Service: 404, code 20404', async () => {
    expectTwilioError(await call('GET', `/v1/Services/IS${'0'.repeat(32)}`), 404, 20404);
    expectTwilioError(await call('GET', `/v1/Services/IS${'0'.repeat(32)}/Documents`), 404, 20404);
  });
});

describe('Documents', () => {
  test('CreateDocument: unique name, data and time to live; revision "0", created by "system", an ETag', async () => {
    const created = await createDocument({ UniqueName: 'KD-create', Data: JSON.stringify({ customer: 'Ada' }), Ttl: '3600' });
    expectSpecResponse('CreateDocument', created, 201);
    expect(created.body).toMatchObject({
      sid: expect.stringMatching(/^ET[0-9a-f]{32}$/),
      unique_name: 'KD-create',
      service_sid: SERVICE,
      data: { customer: 'Ada' },
      revision: '0',
      created_by: 'system',
      url: `https://sync.twilio.com${documents}/${created.body.sid}`,
      links: { permissions: `https://sync.twilio.com${documents}/${created.body.sid}/Permissions` },
    });
    expect(Date.parse(created.body.date_expires) - Date.parse(created.body.date_created)).toBe(3600_000);
    expect(created.headers.get('etag')).toBe('"0"');

    const anonymous = await createDocument({});
    expectSpecResponse('CreateDocument', anonymous, 201);
    expect(anonymous.body).toMatchObject({ unique_name: null, data: {}, date_expires: null });
  });

  test('FetchDocument by SID and by unique name: the same Document', async () => {
    const created = await createDocument({ UniqueName: 'KD-fetch', Data: '{"n":1}' });
    const bySid = await call('GET', `${documents}/${created.body.sid}`);
    expectSpecResponse('FetchDocument', bySid, 200);
    expect(bySid.body).toEqual(created.body);
    expect((await call('GET', `${documents}/KD-fetch`)).body).toEqual(created.body);
    expect((await call('GET', `/v1/Services/${SERVICE_NAME}/Documents/KD-fetch`)).body).toEqual(created.body);
  });

  test('UpdateDocument with If-Match: the current revision passes and moves it on; a stale one is 412, code 54103', async () => {
    await createDocument({ UniqueName: 'KD-update', Data: '{"step":0}' });
    const updated = await call('POST', `${documents}/KD-update`, { form: { Data: '{"step":1}' }, headers: { 'If-Match': '0' } });
    expectSpecResponse('UpdateDocument', updated, 200);
    expect(updated.body).toMatchObject({ revision: '1', data: { step: 1 } });
    expect(updated.headers.get('etag')).toBe('"1"');
    // The ETag as sent, quotes and all, is a revision too.
    const quoted = await call('POST', `${documents}/KD-update`, { form: { Data: '{"step":2}' }, headers: { 'If-Match': '"1"' } });
    expect(quoted.body.revision).toBe('2');

    const stale = await call('POST', `${documents}/KD-update`, { form: { Data: '{"step":9}' }, headers: { 'If-Match': '1' } });
    expectTwilioError(stale, 412, 54103, 'Document revision mismatch');
    expectTwilioError(
      await call('POST', `${documents}/KD-update`, { form: { Data: '{}' }, headers: { 'If-Match': 'latest' } }),
      400,
      54003,
      'Invalid If-Match header',
    );
    expect((await call('GET', `${documents}/KD-update`)).body).toMatchObject({ revision: '2', data: { step: 2 } });
  });

  test('UpdateDocument of the time to live alone keeps the data and counts from now; 0 never expires', async () => {
    await createDocument({ UniqueName: 'KD-ttl', Data: '{"kept":true}', Ttl: '60' });
    clock += 30_000;
    const longer = await call('POST', `${documents}/KD-ttl`, { form: { Ttl: '600' } });
    expectSpecResponse('UpdateDocument', longer, 200);
    expect(longer.body).toMatchObject({ data: { kept: true }, revision: '1' });
    expect(Date.parse(longer.body.date_expires)).toBe(Math.floor((clock + 600_000) / 1000) * 1000);
    expect((await call('POST', `${documents}/KD-ttl`, { form: { Ttl: '0' } })).body.date_expires).toBeNull();
  });

  test('ListDocument over pages, and DeleteDocument: 204, then 404', async () => {
    const first = await call('GET', `${documents}?PageSize=2`);
    expectSpecResponse('ListDocument', first, 200, 'documents');
    expect(first.body.documents).toHaveLength(2);
    const next = new URL(first.body.meta.next_page_url);
    expect(next.host).toBe('sync.twilio.com');
    expectSpecResponse('ListDocument', await call('GET', next.pathname + next.search), 200, 'documents');

    const doomed = await createDocument({ UniqueName: 'KD-delete' });
    expect((await call('DELETE', `${documents}/KD-delete`)).status).toBe(204);
    expectTwilioError(await call('GET', `${documents}/${doomed.body.sid}`), 404, 20404);
    expectTwilioError(await call('DELETE', `${documents}/KD-delete`), 404, 20404);
  });

  test('a unique name taken: 409, code 54301; a name that looks like a SID or is too long: 400, code 54302', async () => {
    await createDocument({ UniqueName: 'KD-taken' });
    expectTwilioError(await createDocument({ UniqueName: 'KD-taken' }), 409, 54301, 'Unique name already exists');
    expectTwilioError(await createDocument({ UniqueName: `ET${'a'.repeat(32)}` }), 400, 54302);
    // One Document per interaction wants a name around the SID, not the SID itself.
    expectTwilioError(await createDocument({ UniqueName: 'KD0b991f2d3727d40d5cc59aeb35491eb4' }), 400, 54302);
    expect((await createDocument({ UniqueName: 'enrichment:KD0b991f2d3727d40d5cc59aeb35491eb4' })).status).toBe(201);
    expectTwilioError(await createDocument({ UniqueName: 'x'.repeat(321) }), 400, 54302);
    expect((await createDocument({ UniqueName: 'x'.repeat(320) })).status).toBe(201);
  });

  test('data over 16 KiB: 413, code 54006; data that is no JSON object: 400, code 54101', async () => {
    const sized = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
    expect((await createDocument({ Data: sized(16 * 1024) })).status).toBe(201);
    expectTwilioError(await createDocument({ Data: sized(16 * 1024 + 1) }), 413, 54006, 'Request entity too large');
    await createDocument({ UniqueName: 'KD-big' });
    expectTwilioError(await call('POST', `${documents}/KD-big`, { form: { Data: sized(20_000) } }), 413, 54006);
    expectTwilioError(await createDocument({ Data: '{"open":' }), 400, 54101);
    expectTwilioError(await createDocument({ Data: '[1,2]' }), 400, 54101);
  });

  test('bad parameters: 400, code 20001', async () => {
    expectTwilioError(await createDocument({ Ttl: '-1' }), 400, 20001);
    expectTwilioError(await createDocument({ Ttl: 'soon' }), 400, 20001);
    expectTwilioError(await createDocument({ Ttl: String(366 * 86_400) }), 400, 20001);
    expectTwilioError(await createDocument({ Title: 'no such field' }), 400, 20001);
    await createDocument({ UniqueName: 'KD-fields' });
    expectTwilioError(await call('POST', `${documents}/KD-fields`, { form: { UniqueName: 'renamed' } }), 400, 20001);
  });

  test('a method a path does not serve: 405, code 20004', async () => {
    expectTwilioError(await call('PUT', `${documents}/KD-fetch`), 405, 20004);
  });
});
