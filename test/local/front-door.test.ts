import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../harness';
import path from 'node:path';
import { PREFLIGHT_HEADERS, servedPaths, startFrontDoor, type FrontDoor } from '../../local/front-door';
import { signatureFor } from '../../local/signatures';

/**
 * npm start's front door in this process, in front of a stand-in for twilio-run that records what reaches
 * it: what the front door answers itself (as Twilio's gateway would, before a Function runs) never gets
 * there. test/local/npm-start.test.ts covers the same door in front of the real twilio-run.
 */

const AUTH_TOKEN = 'front-door-test-auth-token-0000';
const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';

interface Forwarded {
  method: string;
  url: string;
}

let functions: http.Server;
let door: FrontDoor;
let port: number;
const forwarded: Forwarded[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  functions = http.createServer((request, response) => {
    forwarded.push({ method: request.method!, url: request.url! });
    request.resume();
    // As twilio-run: a function's answer carries an X-Request-Id, the runtime's own 404 does not.
    if (!/^\/(studio\/)?interaction\b/.test(request.url!)) return response.writeHead(404).end('Could not find requested resource');
    response.writeHead(200, { 'Content-Type': 'application/json', 'X-Request-Id': 'from-the-function' });
    response.end('{"ran":true}');
  });
  await new Promise<void>((resolve) => functions.listen(0, '127.0.0.1', resolve));
  port = await freePort();
  door = await startFrontDoor({
    host: '127.0.0.1',
    port,
    functionsPort: (functions.address() as AddressInfo).port,
    authToken: AUTH_TOKEN,
    checkSignatures: true,
    paths: { all: new Set(['/interaction', '/studio/interaction']), protectedFunctions: new Set(['/studio/interaction']) },
    consoleConfig: { emulatorUrl: 'http://127.0.0.1:4010' },
    log: (line) => logLines.push(line),
  });
});
afterAll(async () => {
  await door?.close();
  await new Promise((resolve) => functions?.close(resolve));
});
beforeEach(() => {
  forwarded.length = 0;
  logLines.length = 0;
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** node:http rather than fetch, which refuses a GET with a body. */
function send(method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...options.headers,
      ...(options.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(options.body)) } : {}),
    };
    const request = http.request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: text ? JSON.parse(text) : undefined }),
      );
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe("what Twilio's gateway answers before a Function runs", () => {
  test('a protected Function without a valid X-Twilio-Signature: 400 invalid_signature, and the function never runs', async () => {
    const unsigned = await send('POST', '/studio/interaction', { headers: form, body: `InteractionSid=${SID}` });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body).toEqual({
      error: { code: 'invalid_signature', message: expect.stringContaining('has no X-Twilio-Signature header'), status: 400 },
      requestId: expect.any(String),
    });
    const wrong = await send('POST', '/studio/interaction', {
      headers: { ...form, 'X-Twilio-Signature': signatureFor('another-auth-token', `http://127.0.0.1:${port}/studio/interaction`) },
      body: `InteractionSid=${SID}`,
    });
    expect(wrong.status).toBe(400);
    expect(forwarded).toEqual([]);
  });

  test('a signed request to a protected Function reaches it', async () => {
    const url = `http://127.0.0.1:${port}/studio/interaction`;
    const signature = signatureFor(AUTH_TOKEN, url, { InteractionSid: SID });
    const answer = await send('POST', '/studio/interaction', {
      headers: { ...form, 'X-Twilio-Signature': signature },
      body: `InteractionSid=${SID}`,
    });
    expect(answer).toMatchObject({ status: 200, body: { ran: true } });
    expect(forwarded).toEqual([{ method: 'POST', url: '/studio/interaction' }]);
  });

  test.each(['/studio/interaction#x', '/studio/interaction#'])(
    'POST %s, which twilio-run would run as /studio/interaction, is refused unsigned: 400, and the function never runs',
    async (target) => {
      const answer = await send('POST', target, { headers: form, body: `InteractionSid=${SID}` });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'invalid_request',
        message: expect.stringMatching(/path with an optional query/),
        status: 400,
      });
      expect(forwarded).toEqual([]);
    },
  );

  test.each(['/interaction', '/studio/interaction'])(
    'a GET with a body to %s: 403 get_with_body, and the function never runs',
    async (path) => {
      const answer = await send('GET', `${path}?InteractionSid=${SID}`, { headers: form, body: 'include=all' });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toEqual({ code: 'get_with_body', message: expect.stringMatching(/query, or POST/), status: 403 });
      expect(forwarded).toEqual([]);
    },
  );

  test("the console's config.json is answered from memory: no file that another npm start could rewrite", async () => {
    const answer = await send('GET', '/console/config.json');
    expect([answer.status, answer.headers['cache-control'], answer.body]).toEqual([
      200,
      'no-store',
      { emulatorUrl: 'http://127.0.0.1:4010' },
    ]);
    expect(forwarded).toEqual([]);
  });

  test('a GET without a body, and a POST with one, go through to the public /interaction', async () => {
    expect((await send('GET', `/interaction?InteractionSid=${SID}`)).status).toBe(200);
    expect((await send('POST', '/interaction', { headers: form, body: `InteractionSid=${SID}` })).status).toBe(200);
    expect(forwarded.map(({ method }) => method)).toEqual(['GET', 'POST']);
  });
});

describe('preflights, answered as the deployed runtime answers them', () => {
  const preflight = (path: string, origin: string) =>
    send('OPTIONS', path, {
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });

  test.each(['https://flex.twilio.com', 'https://evil.example.com'])(
    'OPTIONS /interaction from %s: 204 with the runtime’s headers, whatever the Origin, and the function never runs',
    async (origin) => {
      const answer = await preflight('/interaction', origin);
      expect(answer.status).toBe(204);
      expect(answer.headers).toMatchObject(
        Object.fromEntries(Object.entries(PREFLIGHT_HEADERS).map(([name, value]) => [name.toLowerCase(), value])),
      );
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.body).toBeUndefined();
      expect(forwarded).toEqual([]);
      expect(logLines).toEqual([]);
    },
  );

  test('what npm start serves, read from the built dist/: the three Functions and the console, two of them protected', async () => {
    const paths = await servedPaths(path.resolve(__dirname, '../..'), 'dist/functions', 'dist/assets');
    expect([...paths.all]).toEqual(
      expect.arrayContaining(['/interaction', '/studio/interaction', '/webhooks/interaction', '/console/index.html']),
    );
    expect([...paths.protectedFunctions].sort()).toEqual(['/studio/interaction', '/webhooks/interaction']);
  });

  test('a protected Function’s preflight needs no signature; a path nothing serves is left to twilio-run', async () => {
    expect((await preflight('/studio/interaction', 'https://flex.twilio.com')).status).toBe(204);
    const unknown = await preflight('/nothing-here', 'https://flex.twilio.com');
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(forwarded).toEqual([{ method: 'OPTIONS', url: '/nothing-here' }]);
  });
});

describe('its log lines', () => {
  const lines = () => logLines.map((line) => JSON.parse(line));

  test('each refusal logs one JSON line carrying the request id its answer carries, as X-Request-Id and in the body', async () => {
    const answers = [
      await send('POST', '/studio/interaction', { headers: form, body: `InteractionSid=${SID}` }),
      await send('GET', '/interaction', { headers: form, body: 'include=all' }),
      await send('POST', '/interaction', { headers: { 'Content-Type': 'application/json' }, body: '{bad' }),
      await send('GET', '/nothing-here'),
    ];
    expect(lines()).toEqual(
      answers.map((answer) =>
        expect.objectContaining({
          level: 'warn',
          event: 'request_refused',
          requestId: answer.headers['x-request-id'],
          status: answer.status,
          code: answer.body.error.code,
        }),
      ),
    );
    for (const answer of answers) expect(answer.body.requestId).toBe(answer.headers['x-request-id']);
    expect(lines().map(({ method, path, reason }) => [method, path, reason])).toEqual([
      ['POST', '/studio/interaction', 'missing signature'],
      ['GET', '/interaction', undefined],
      ['POST', '/interaction', 'a JSON body that does not parse'],
      ['GET', '/nothing-here', "twilio-run's own 404"],
    ]);
  });

  test("a caller's own X-Request-Id is kept in the answer and the line, as the functions keep it; an unsafe one is replaced", async () => {
    const kept = await send('POST', '/studio/interaction', { headers: { ...form, 'X-Request-Id': 'studio-FN123-exec-42' }, body: '' });
    const replaced = await send('POST', '/studio/interaction', { headers: { ...form, 'X-Request-Id': '<script>' }, body: '' });
    expect([kept.headers['x-request-id'], kept.body.requestId]).toEqual(['studio-FN123-exec-42', 'studio-FN123-exec-42']);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines().map(({ requestId }) => requestId)).toEqual(['studio-FN123-exec-42', replaced.headers['x-request-id']]);
  });

  test('a line names the path, never the query (a Flex token in the URL) nor the auth token', async () => {
    const token = 'eyJ-a-flex-token-that-must-not-be-logged';
    expect((await send('GET', `/interaction?Token=${token}&InteractionSid=${SID}`)).status).toBe(400);
    expect((await send('GET', `/${AUTH_TOKEN}`)).status).toBe(404);
    expect(lines().map(({ path, reason }) => [path, reason])).toEqual([
      ['/interaction', 'a Flex token in the URL'],
      ['/[redacted]', "twilio-run's own 404"],
    ]);
    expect(logLines.join('\n')).not.toMatch(new RegExp(`${token}|${AUTH_TOKEN}`));
  });
});
