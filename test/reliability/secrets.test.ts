import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { recordFigure } from '../support/figures';
import { ENDPOINTS, fixedCorpus, send, type MalformedRequest } from '../support/malformed-requests';
import { requestEndpoint } from '../support/endpoints';

/**
 * Secret hygiene: with recognisable secrets configured, the whole bad-input
 * corpus, working requests and failing ones (Twilio refusing our
 * credentials, rate limits, hangs, refused and expired Flex tokens) go
 * through twilio-run at LOG_LEVEL=debug; then every response (status,
 * headers, body) and every line either twilio-run printed is searched for
 * the secrets, whole or in part.
 */

const MARK = 'zq7-leakcheck';
const AUTH_TOKEN = `authTOKEN-${MARK}-00000001`;
const WRONG_AUTH_TOKEN = `authTOKEN-${MARK}-00000002`;
const API_SECRET = `apiSECRET-${MARK}-00000003`;

let emulator: TestEmulator;
let functions: FunctionsServer;
let refused: FunctionsServer;
const flexTokens: string[] = [];
const responses: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ authToken: AUTH_TOKEN });
  const settings = {
    API_KEY: emulator.apiKey.sid,
    API_SECRET,
    LOG_LEVEL: 'debug',
    REQUEST_DEADLINE_MS: '1500',
    UPSTREAM_ATTEMPT_TIMEOUT_MS: '400',
    FLEX_TOKEN_VALIDATION_TIMEOUT_MS: '500',
    UPSTREAM_RETRY_BASE_MS: '10',
    // Each call below meets its own fault: a 429 must not hold FetchInteraction for the calls after it.
    UPSTREAM_RATE_LIMIT_HOLD_MS: '0',
    WEBHOOK_WRITE_BACK: 'true',
  };
  [functions, refused] = await Promise.all([
    startFunctions(emulatorEnv(emulator, settings)),
    // Credentials Twilio refuses: every upstream call answers 401.
    startFunctions(emulatorEnv(emulator, { ...settings, AUTH_TOKEN: WRONG_AUTH_TOKEN })),
  ]);
}, 60_000);
afterEach(() => {
  emulator.faults = { rules: [] };
});
afterAll(async () => {
  await Promise.all([functions?.stop(), refused?.stop()]);
  await emulator?.close();
});

function mint(spec?: { ttlSeconds?: number }): string {
  const token = emulator.mintFlexToken(spec);
  flexTokens.push(token);
  return token;
}

async function call(server: FunctionsServer, path: string, fields: Record<string, string>): Promise<number> {
  const answer = await requestEndpoint(server.url, 'POST', path, { form: fields });
  responses.push(`${answer.status} ${JSON.stringify([...answer.headers])} ${answer.text}`);
  return answer.status;
}

test('the bad-input corpus, with a valid Flex token in every other /interaction request', async () => {
  const ctx = { interactionSid: emulator.seededSid('Inbound SMS'), flexToken: mint() };
  const corpus: MalformedRequest[] = ENDPOINTS.flatMap((endpoint) => fixedCorpus(endpoint, ctx));
  for (const request of corpus) {
    const reply = await send(functions.url, request);
    responses.push(`${reply.status} ${reply.text}`);
  }
  expect(responses.length).toBe(corpus.length);
}, 60_000);

test('working requests, and requests that fail upstream', async () => {
  const sms = emulator.seededSid('Inbound SMS');
  const chat = emulator.seededSid('Web chat');
  const task = emulator.store.find('task', emulator.store.find('interaction', sms)!.primaryTaskSid)!;
  const statuses = [
    await call(functions, '/studio/interaction', { InteractionSid: sms, include: 'all' }),
    await call(functions, '/interaction', { Token: mint(), InteractionSid: chat, include: 'all' }),
    await call(functions, '/webhooks/interaction', {
      EventType: 'task.created',
      TaskSid: task.sid,
      WorkspaceSid: task.workspaceSid,
      TaskAttributes: task.attributes,
    }),
    await call(functions, '/studio/interaction', { InteractionSid: `KD${'0'.repeat(32)}` }),
    await call(functions, '/interaction', { Token: mint({ ttlSeconds: -60 }), InteractionSid: sms }),
    await call(functions, '/interaction', { Token: `forged.${MARK}.token`, InteractionSid: sms }),
  ];
  emulator.faults = { rules: [{ match: 'FetchInteraction', errors: [{ status: 429, rate: 1 }] }] };
  statuses.push(await call(functions, '/studio/interaction', { InteractionSid: sms, fresh: 'true' }));
  emulator.faults = { rules: [{ match: 'FetchTask', errors: [{ status: 503, rate: 1 }] }] };
  statuses.push(await call(functions, '/studio/interaction', { InteractionSid: chat, include: 'task', fresh: 'true' }));
  emulator.faults = { rules: [{ hangRate: 1 }] };
  statuses.push(await call(functions, '/interaction', { Token: mint(), InteractionSid: sms }));
  statuses.push(await call(functions, '/studio/interaction', { InteractionSid: chat, fresh: 'true' }));
  emulator.faults = { rules: [] };
  statuses.push(await call(refused, '/studio/interaction', { InteractionSid: sms }));
  statuses.push(await call(refused, '/interaction', { Token: mint(), InteractionSid: sms }));
  expect(statuses).toEqual([200, 200, 200, 404, 401, 401, 429, 200, 504, 504, 502, 502]);
}, 30_000);

test('no secret appears in any response or any log line, whole or in part', () => {
  const basic = (token: string) => Buffer.from(`${emulator.accountSid}:${token}`).toString('base64');
  const secrets = [
    AUTH_TOKEN,
    WRONG_AUTH_TOKEN,
    API_SECRET,
    MARK,
    basic(AUTH_TOKEN),
    basic(WRONG_AUTH_TOKEN),
    // A Flex token's header is the same for every token; its middle and end are its own.
    ...flexTokens.flatMap((token) => [token, token.slice(token.length / 2, token.length / 2 + 24), token.slice(-24)]),
  ];
  const logLines = [...functions.output, ...refused.output];
  const found = [...responses, ...logLines].flatMap((text) =>
    secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret.slice(0, 12)}… in: ${text.slice(0, 200)}`),
  );
  recordFigure('secrets: responses / log lines scanned', `${responses.length} / ${logLines.length}`);
  recordFigure('secrets: occurrences found', found.length);
  // The scan saw real traffic: our structured lines, retries and failures among them.
  expect(logLines.filter((line) => line.startsWith('{"time"')).length).toBeGreaterThan(responses.length);
  expect(logLines.some((line) => line.includes('"upstream_retry"'))).toBe(true);
  expect(logLines.some((line) => line.includes('"upstream_auth_failed"'))).toBe(true);
  expect(found).toEqual([]);
});
