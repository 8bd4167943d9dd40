import dns from 'node:dns';
import net from 'node:net';
import twilio from 'twilio';
import { emulatorEnv, startTestEmulator, type TestEmulator } from '../../harness';
import { invokeEndpoint } from '../support/endpoints';
import { resetWarmContainer } from '../../src/core/warm-container';

/**
 * The Twilio client the functions use, and the switch that points it at the
 * emulator. The emulator is reachable only through the project's http client
 * (it alone applies TWILIO_API_BASE_URL), so a 200 here proves that client
 * carried the request: with retries, the deadline and the concurrency limit.
 */

let emulator: TestEmulator;
let env: Record<string, string>;
let sms: string;
let logLines: string[];

beforeAll(async () => {
  emulator = await startTestEmulator();
  env = emulatorEnv(emulator, { CACHE_TTL_MS: '0', LOG_LEVEL: 'info' });
  sms = emulator.seededSid('Inbound SMS');
});
afterAll(() => emulator.close());
beforeEach(() => {
  resetWarmContainer();
  logLines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logLines.push(String(line)));
});
afterEach(() => jest.restoreAllMocks());

const events = () => logLines.map((line) => JSON.parse(line) as { event: string });

describe("one Twilio client per warm container, from the runtime's getTwilioClient(), checked once", () => {
  const handingOn = () => jest.fn((options: object = {}) => twilio(env.ACCOUNT_SID!, env.AUTH_TOKEN!, { lazyLoading: true, ...options }));

  test('a runtime that hands the http client on is used as is, once for every endpoint, and nothing is logged about it', async () => {
    const runtime = handingOn();
    for (const [endpoint, params] of [
      ['studio', { InteractionSid: sms }],
      ['studio', { InteractionSid: sms }],
      ['webhook', { InteractionSid: sms }],
    ] as const) {
      const answer = await invokeEndpoint(endpoint, env, params, { getTwilioClient: runtime });
      expect(answer.status).toBe(200);
      expect(answer.body.meta.upstreamCalls).toBe(1);
    }
    expect(runtime).toHaveBeenCalledTimes(1);
    expect(events().map((e) => e.event)).not.toContain('twilio_client_rebuilt');
  });

  test('a change of configuration or credentials builds a new container and client; a reset does too', async () => {
    const runtime = handingOn();
    const call = (settings: Record<string, string>) =>
      invokeEndpoint('studio', settings, { InteractionSid: sms }, { getTwilioClient: runtime });
    expect((await call(env)).status).toBe(200);
    expect((await call(env)).status).toBe(200);
    expect(runtime).toHaveBeenCalledTimes(1);
    expect((await call({ ...env, LIST_LIMIT: '50' })).status).toBe(200);
    expect(runtime).toHaveBeenCalledTimes(2);
    resetWarmContainer();
    expect((await call({ ...env, LIST_LIMIT: '50' })).status).toBe(200);
    expect(runtime).toHaveBeenCalledTimes(3);
  });

  test('a rotated auth token builds a new client that sends it, and the log lines hide it', async () => {
    const rotated = { ...env, AUTH_TOKEN: 'rotated-auth-token-0000000000000' };
    expect((await invokeEndpoint('studio', env, { InteractionSid: sms })).status).toBe(200);
    // The caller's request id is on every line as it came: here it carries the new token, which must be redacted.
    const answer = await invokeEndpoint('studio', rotated, { InteractionSid: sms }, { headers: { 'x-request-id': rotated.AUTH_TOKEN } });
    // The emulator knows only the old token: its refusal shows that the new one was sent.
    expect(answer).toMatchObject({ status: 502, body: { error: { code: 'upstream_auth_failed' } } });
    expect(events().at(-1)).toMatchObject({ event: 'request_completed', status: 502, requestId: '[redacted]' });
    expect(logLines.join('\n')).not.toContain(rotated.AUTH_TOKEN);
  });

  test('concurrent invocations on the one client each count their own upstream calls', async () => {
    const runtime = handingOn();
    const answers = await Promise.all(
      ['', 'task', 'conversation'].map((include) =>
        invokeEndpoint('studio', env, { InteractionSid: sms, include }, { getTwilioClient: runtime }),
      ),
    );
    expect(answers.map((answer) => answer.body.meta.upstreamCalls)).toEqual([1, 2, 3]);
    expect(runtime).toHaveBeenCalledTimes(1);
  });

  test("a runtime that drops the http client is replaced by the project's own client, said once per container", async () => {
    // What a runtime that ignores the options would return: a client on its own RequestClient, aimed at twilio.com.
    const runtime = jest.fn(() => twilio(env.ACCOUNT_SID!, env.AUTH_TOKEN!, { lazyLoading: true }));
    for (let i = 0; i < 3; i += 1) {
      const answer = await invokeEndpoint('studio', env, { InteractionSid: sms }, { getTwilioClient: runtime });
      expect(answer.status).toBe(200);
      expect(answer.body.interaction.sid).toBe(sms);
    }
    // Asked once; from then on the container does not ask again.
    expect(runtime).toHaveBeenCalledTimes(1);
    expect(events().filter((e) => e.event === 'twilio_client_rebuilt')).toHaveLength(1);
  });
});

describe('TWILIO_API_BASE_URL is guarded before anything is sent', () => {
  const calls = [
    () => invokeEndpoint('studio', guarded, { InteractionSid: sms }),
    () => invokeEndpoint('webhook', guarded, { EventType: 'task.created', TaskAttributes: JSON.stringify({ flexInteractionSid: sms }) }),
    () => invokeEndpoint('flex', guarded, { Token: 'a-flex-token', InteractionSid: sms }),
  ];
  let guarded: Record<string, string>;

  test.each([
    ['a host that never resolves', 'http://capture.invalid:8080'],
    ['another host over plain http', 'http://attacker.example'],
    ['a loopback origin with a password', 'http://admin:hunter2-pass@127.0.0.1:4010'],
  ])('%s: every endpoint answers invalid_configuration, with no attempt to connect', async (_name, baseUrl) => {
    guarded = { ...env, TWILIO_API_BASE_URL: baseUrl };
    const lookup = jest.spyOn(dns, 'lookup');
    const connect = jest.spyOn(net.Socket.prototype, 'connect');
    emulator.clearRequests();
    for (const call of calls) {
      const answer = await call();
      expect(answer.status).toBe(500);
      expect(answer.body.error.code).toBe('invalid_configuration');
      expect(answer.body.error.message).toMatch(/TWILIO_API_BASE_URL/);
      const everything = JSON.stringify(answer) + logLines.join('\n');
      expect(everything).not.toMatch(/hunter2|admin:|capture\.invalid|attacker/);
    }
    expect(lookup).not.toHaveBeenCalled();
    expect(connect).not.toHaveBeenCalled();
    expect(emulator.requests()).toHaveLength(0);
  });
});
