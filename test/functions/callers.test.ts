import { emulatorEnv, startTestEmulator, type TestEmulator } from '../../harness';
import { invokeEndpoint } from '../support/endpoints';
import { assertMatchesSchema } from '../support/schema';

/**
 * Settings that change how a caller is treated, checked by calling the
 * handlers the way the Functions runtime does (a context, an event, a
 * callback), so each case can have its own environment.
 */

let emulator: TestEmulator;
let env: Record<string, string>;
let sms: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  env = emulatorEnv(emulator, { CACHE_TTL_MS: '0', FLEX_TOKEN_CACHE_TTL_MS: '0', LOG_LEVEL: 'silent' });
  sms = emulator.seededSid('Inbound SMS');
});
afterAll(() => emulator.close());
beforeEach(() => emulator.clearRequests());

describe('FLEX_ALLOWED_ROLES restricts /interaction by the validated token’s roles', () => {
  const restricted = () => ({ ...env, FLEX_ALLOWED_ROLES: 'supervisor,admin' });

  test('an agent is refused with 403 after IAM validation, and nothing is fetched', async () => {
    const answer = await invokeEndpoint('flex', restricted(), { Token: emulator.mintFlexToken({ roles: ['agent'] }), InteractionSid: sms });
    expect(answer.status).toBe(403);
    assertMatchesSchema('error', answer.body);
    expect(answer.body.error.code).toBe('forbidden');
    expect(emulator.requests().map((r) => r.operationId)).toEqual(['ValidateToken']);
  });

  test('a supervisor is let through', async () => {
    const answer = await invokeEndpoint('flex', restricted(), {
      Token: emulator.mintFlexToken({ roles: ['supervisor', 'agent'] }),
      InteractionSid: sms,
    });
    expect(answer.status).toBe(200);
    assertMatchesSchema('payload', answer.body);
  });
});

describe('FLEX_ALLOWED_ORIGINS decides which browser pages may call /interaction', () => {
  const fromPage = (origin: string, host = 'enrichment-1234.twil.io') => ({ headers: { origin, host } });
  const call = (settings: Record<string, string>, origin: string, host?: string) =>
    invokeEndpoint('flex', { ...env, ...settings }, { Token: emulator.mintFlexToken(), InteractionSid: sms }, fromPage(origin, host));

  test.each([
    ['an origin it does not list', {}, 'https://evil.example.com'],
    ['a sandboxed page or a file (Origin: null)', {}, 'null'],
    ['the listed origin over plain http', {}, 'http://flex.twilio.com'],
    ['an origin that only begins like the listed one', {}, 'https://flex.twilio.com.evil.example'],
  ])('%s: 403 origin_not_allowed, and nothing is sent to Twilio', async (_, settings, origin) => {
    const answer = await call(settings, origin);
    expect(answer.status).toBe(403);
    assertMatchesSchema('error', answer.body);
    expect(answer.body.error.code).toBe('origin_not_allowed');
    expect(emulator.requests()).toEqual([]);
  });

  test.each([
    ['the default, the hosted Flex UI', {}, 'https://flex.twilio.com'],
    ['one origin of a list', { FLEX_ALLOWED_ORIGINS: 'https://flex.twilio.com, https://flex.example.com' }, 'https://flex.example.com'],
    ['any origin, with *', { FLEX_ALLOWED_ORIGINS: '*' }, 'https://evil.example.com'],
  ])('%s: served, with the CORS grant', async (_, settings, origin) => {
    const answer = await call(settings, origin);
    expect(answer.status).toBe(200);
    expect(answer.headers['Access-Control-Allow-Origin']).toBe(origin);
  });

  test('a page of the Service itself (its Origin names the request’s Host) is served without a CORS grant', async () => {
    const answer = await call({}, 'https://enrichment-1234.twil.io', 'Enrichment-1234.twil.io');
    expect(answer.status).toBe(200);
    expect(answer.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });
});

describe('failures upstream keep their own status: never an auth error, never a bare 500', () => {
  test('Twilio refusing the service’s credentials is a 502 that says so', async () => {
    const answer = await invokeEndpoint('studio', { ...env, AUTH_TOKEN: 'not-the-emulator-token-0000000000' }, { InteractionSid: sms });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toMatchObject({ code: 'upstream_auth_failed', twilioCode: 20003 });
    expect(JSON.stringify(answer.body)).not.toContain('not-the-emulator-token');
  });

  test('on /interaction, a failed token validation is a 502, not a 401 or 403', async () => {
    emulator.faults = { rules: [{ match: 'ValidateToken', errors: [{ status: 503, rate: 1 }] }] };
    try {
      const answer = await invokeEndpoint(
        'flex',
        { ...env, UPSTREAM_MAX_ATTEMPTS: '2', UPSTREAM_RETRY_BASE_MS: '1' },
        { Token: emulator.mintFlexToken(), InteractionSid: sms },
      );
      expect(answer.status).toBe(502);
      expect(answer.body.error.code).toBe('upstream_error');
    } finally {
      emulator.faults = { rules: [] };
    }
  });

  test('a missing ACCOUNT_SID is a configuration error that names what to set', async () => {
    const answer = await invokeEndpoint('studio', { ...env, ACCOUNT_SID: '' }, { InteractionSid: sms });
    expect(answer.body.error.code).toBe('invalid_configuration');
    expect(answer.body.error.message).toContain('ACCOUNT_SID');
  });

  test('a bad setting fails the request with a message naming the variable', async () => {
    const answer = await invokeEndpoint('studio', { ...env, REQUEST_DEADLINE_MS: 'soon' }, { InteractionSid: sms });
    expect(answer.body.error).toMatchObject({ code: 'invalid_configuration', message: expect.stringContaining('REQUEST_DEADLINE_MS') });
  });
});

test('the request id from X-Request-Id is kept for tracing; an unsafe one is replaced', async () => {
  const kept = await invokeEndpoint('studio', env, { InteractionSid: sms }, { headers: { 'x-request-id': 'studio-FN123-exec-42' } });
  expect(kept.headers['X-Request-Id']).toBe('studio-FN123-exec-42');
  expect(kept.body.meta.requestId).toBe('studio-FN123-exec-42');
  const replaced = await invokeEndpoint('studio', env, { InteractionSid: sms }, { headers: { 'x-request-id': '<script>' } });
  expect(replaced.headers['X-Request-Id']).toMatch(/^[0-9a-f-]{36}$/);
});

test('the webhook endpoint reads flexInteractionSid from TaskAttributes given as an object too (JSON bodies)', async () => {
  const answer = await invokeEndpoint('webhook', env, { EventType: 'task.updated', TaskAttributes: { flexInteractionSid: sms } });
  expect(answer.status).toBe(200);
  expect(answer.body.interaction.sid).toBe(sms);
});
