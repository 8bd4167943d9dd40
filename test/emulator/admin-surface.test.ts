import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { hostAllowed } from '../../emulator/local-only';
import { MAX_FLEX_TOKENS } from '../../emulator/store';
import { startTestEmulator, type TestEmulator } from '../../harness';
import { rawRequest } from '../support/raw-api';
import { validateTwilioError } from '../support/twilio-oai';

/**
 * The emulator takes no credentials on its admin routes and published ones on its API, so only this
 * machine may drive it: a page of another site open in the developer's browser must not (CSRF), nor
 * one whose DNS name was rebound to 127.0.0.1 (DNS rebinding).
 */

const CONSOLE = 'http://localhost:3000';
const EVIL = 'http://evil.example';

let emulator: TestEmulator;
const auth = () => ({ user: emulator.accountSid, password: emulator.authToken });

beforeAll(async () => {
  emulator = await startTestEmulator({ consoleOrigins: [CONSOLE] });
});
afterEach(() => {
  emulator.faults = { rules: [] };
});
afterAll(() => emulator.close());

/** node:http, as fetch sets Host and Origin itself. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  json?: unknown,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: any }> {
  const { port } = new URL(emulator.url);
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const preflight = (origin: string, path = '/__emulator/flex-tokens') =>
  send('OPTIONS', path, { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' });

describe('CORS on the admin routes: the local console only', () => {
  test("another site's preflight is refused, with no permission to send", async () => {
    const answer = await preflight(EVIL);
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    expect(validateTwilioError(answer.body)).toEqual([]);
  });

  test("another site's request is refused before it acts, and its answer is not readable", async () => {
    emulator.faults = { rules: [{ match: 'FetchTask', latencyMs: 10 }] };
    const reset = await send('POST', '/__emulator/reset', { Origin: EVIL });
    expect(reset.status).toBe(403);
    expect(reset.headers['access-control-allow-origin']).toBeUndefined();
    expect(reset.body).toMatchObject({ code: 20403, status: 403 });
    expect(emulator.faults.rules).toHaveLength(1);

    const minted = await send('POST', '/__emulator/flex-tokens', { Origin: EVIL }, {});
    expect(minted.status).toBe(403);
    expect(minted.headers['access-control-allow-origin']).toBeUndefined();
    expect(minted.body.token).toBeUndefined();
  });

  test('the console, cross-origin, may mint a token and list the seeded interactions', async () => {
    const allowed = await preflight(CONSOLE);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(allowed.headers['access-control-allow-methods']).toContain('POST');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/content-type/i);
    expect(allowed.headers.vary).toMatch(/origin/i);

    const minted = await send('POST', '/__emulator/flex-tokens', { Origin: CONSOLE }, {});
    expect(minted.status).toBe(201);
    expect(minted.headers['access-control-allow-origin']).toBe(CONSOLE);
    const listed = await send('GET', '/__emulator/interactions', { Origin: CONSOLE });
    expect(listed.status).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  test('tools that send no Origin (curl, scripts, the bench) are served, without CORS headers', async () => {
    const health = await send('GET', '/__emulator/health', {});
    expect(health.status).toBe(200);
    expect(health.headers['access-control-allow-origin']).toBeUndefined();
  });

  test("the Twilio API routes' answers are unchanged: no CORS headers", async () => {
    const sid = emulator.seededSid('Inbound SMS');
    const fetched = await rawRequest(emulator.url, 'GET', `/v1/Interactions/${sid}`, { auth: auth(), headers: { Origin: CONSOLE } });
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('Host: a loopback name or address, or the host the emulator was started on', () => {
  test.each(['evil.example', 'evil.example:4010', '192.168.1.20', 'localhost.evil.example', '127.0.0.1.evil.example'])(
    'Host %s is refused with a Twilio 403, on admin and API routes alike',
    async (host) => {
      const sid = emulator.seededSid('Inbound SMS');
      const basic = `Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}`;
      for (const answer of [
        await send('POST', '/__emulator/flex-tokens', { Host: host }, {}),
        await send('GET', '/__emulator/requests', { Host: host }),
        await send('GET', `/v1/Interactions/${sid}`, { Host: host, Authorization: basic }),
      ]) {
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ code: 20403, status: 403 });
        expect(validateTwilioError(answer.body)).toEqual([]);
      }
    },
  );

  test.each(['127.0.0.1', '127.0.0.1:4010', 'localhost:4010', 'LOCALHOST', '[::1]:4010'])('Host %s is served', async (host) => {
    expect((await send('GET', '/__emulator/health', { Host: host })).status).toBe(200);
  });

  test('the host the emulator was started on (--host) is accepted too; only a host and a port are read', () => {
    expect(hostAllowed('emulator.internal:4010', 'emulator.internal')).toBe(true);
    expect(hostAllowed('EMULATOR.internal', 'emulator.internal')).toBe(true);
    expect(hostAllowed('[fd00::1]:4010', 'fd00::1')).toBe(true);
    expect(hostAllowed('other.internal:4010', 'emulator.internal')).toBe(false);
    expect(hostAllowed('evil.example@127.0.0.1', '127.0.0.1')).toBe(false);
    expect(hostAllowed('127.0.0.1/@evil.example', '127.0.0.1')).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
  });

  test('the redirecting client names the Twilio host in X-Forwarded-Host; Host stays the emulator', async () => {
    const sid = emulator.seededSid('Inbound SMS');
    const basic = `Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}`;
    const answer = await send('GET', `/v1/Interactions/${sid}`, {
      Host: new URL(emulator.url).host,
      'X-Forwarded-Host': 'flex-api.twilio.com',
      Authorization: basic,
    });
    expect(answer.status).toBe(200);
  });
});

describe('minted Flex tokens are bounded', () => {
  test(`past ${MAX_FLEX_TOKENS} tokens the oldest are forgotten; the newest still validate`, async () => {
    const validate = async (token: string) =>
      (await rawRequest(emulator.url, 'POST', `/v1/Accounts/${emulator.accountSid}/Tokens/validate`, { auth: auth(), json: { token } }))
        .body;
    const minted: string[] = [];
    const mintOne = async () => (await rawRequest(emulator.url, 'POST', '/__emulator/flex-tokens', { auth: 'none', json: {} })).body.token;
    // In batches of 50, one after another: the store sees whole batches in order, so the first two are the oldest.
    while (minted.length < MAX_FLEX_TOKENS + 100) minted.push(...(await Promise.all(Array.from({ length: 50 }, mintOne))));

    expect(emulator.store.flexTokenCount).toBe(MAX_FLEX_TOKENS);
    await expect(validate(minted.at(-1)!)).resolves.toMatchObject({ valid: true });
    await expect(validate(minted.at(-MAX_FLEX_TOKENS)!)).resolves.toMatchObject({ valid: true });
    await expect(validate(minted[0]!)).resolves.toMatchObject({ valid: false, code: 20101 });
  });
});
