import { emulatorEnv, startTestEmulator, type Answer, type TestEmulator } from '../../harness';
import { invokeEndpoint } from '../support/endpoints';

/**
 * With Twilio hanging, the answer leaves before REQUEST_DEADLINE_MS by the function's own clock. The handler
 * is called in-process on jest's clock, which moves only when told to, so no routing, round trip or busy core
 * is counted, however loaded the machine: faults.test.ts measures the same through twilio-run, with slack.
 * Its own emulator: attempts this test aborts may still reach it after the test ends.
 */

const DEADLINE_MS = 2500;

let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ faults: { rules: [{ hangRate: 1 }] } });
});
afterEach(() => {
  jest.useRealTimers();
});
afterAll(() => emulator.close());

test('with Twilio hanging, the 504 is sent before REQUEST_DEADLINE_MS', async () => {
  const env = emulatorEnv(emulator, {
    REQUEST_DEADLINE_MS: String(DEADLINE_MS),
    UPSTREAM_ATTEMPT_TIMEOUT_MS: '800',
    CACHE_TTL_MS: '0',
    LOG_LEVEL: 'silent',
  });
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'] });
  let answer: Answer | undefined;
  void invokeEndpoint('studio', env, { InteractionSid: emulator.seededSid('Inbound SMS') }).then((sent) => (answer = sent));
  await jest.advanceTimersByTimeAsync(DEADLINE_MS - 1);
  expect(answer?.status).toBe(504);
  expect(answer?.body.error.code).toMatch(/^(deadline_exceeded|upstream_timeout)$/);
});
