import { randomBytes } from 'node:crypto';
import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { recordFigure } from '../support/figures';
import { VALIDATIONS_IN_FLIGHT } from '../../src/core/flex-token-memory';
import { requestEndpoint } from '../support/endpoints';
import { type RawAnswer } from '../support/raw-api';

/**
 * Bad Flex tokens cannot starve /interaction: with Twilio IAM slow, a flood of
 * them costs a bounded number of IAM calls, and a valid token is still answered
 * in a few IAM calls' time, whether the flood came as a burst before it or
 * keeps coming as a stream around it. Through the real `twilio-run start`, IAM's calls
 * counted in the emulator's request log.
 */

const IAM_LATENCY_MS = 800;
const FLOOD = 64;
/** More forged tokens than the IAM slots can take before they give up, so the slots' bound on IAM calls shows. */
const FORGED_BURST = 96;
/** A valid caller waits for at most one IAM call in flight, then makes its own; the rest is slack for a slow machine. */
const VALID_CALLER_BOUND_MS = 2 * IAM_LATENCY_MS + 1000;
const VALIDATION_TIMEOUT_MS = 3000;

let emulator: TestEmulator;
let functions: FunctionsServer;
let sms: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  functions = await startFunctions(
    emulatorEnv(emulator, {
      // Only FLEX_TOKEN_VALIDATION_TIMEOUT_MS may cut a slow IAM short: not the attempt timeout, not the deadline.
      FLEX_TOKEN_VALIDATION_TIMEOUT_MS: String(VALIDATION_TIMEOUT_MS),
      UPSTREAM_ATTEMPT_TIMEOUT_MS: '9500',
      REQUEST_DEADLINE_MS: '9500',
      LOG_LEVEL: 'error',
    }),
  );
  sms = emulator.seededSid('Inbound SMS');
  // Warm the function once, as a container serving traffic is.
  expect((await flex(emulator.mintFlexToken())).status).toBe(200);
}, 60_000);
beforeEach(() => emulator.clearRequests());
afterEach(() => {
  emulator.faults = { rules: [] };
});
afterAll(async () => {
  await functions?.stop();
  await emulator?.close();
});

const flex = (token: string) => requestEndpoint(functions.url, 'POST', '/interaction', { form: { Token: token, InteractionSid: sms } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const base64url = (bytes: number) => randomBytes(bytes).toString('base64url');
/** IAM calls made so far: the emulator logs a slowed call as it answers or is given up, so calls still in IAM's latency are waited for. */
const iamCalls = async () => {
  await sleep(IAM_LATENCY_MS + 300);
  return emulator.countByOperation().ValidateToken ?? 0;
};
const slowIam = () => {
  emulator.faults = { rules: [{ match: 'ValidateToken', latencyMs: IAM_LATENCY_MS }] };
};

/** Looks like a token at a glance (three base64url parts), but its header is no JSON: not a JWT. */
const garbageToken = () => `${base64url(36)}.${base64url(200)}.${base64url(32)}`;
/** A well-formed JWE as a Flex token is, that IAM never issued. */
const forgedToken = () =>
  `${Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM' })).toString('base64url')}..${base64url(12)}.${base64url(200)}.${base64url(16)}`;

async function timed(work: () => Promise<RawAnswer>): Promise<{ answer: RawAnswer; ms: number }> {
  const started = Date.now();
  const answer = await work();
  return { answer, ms: Date.now() - started };
}

function statuses(answers: RawAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status, body } of answers) counts[`${status} ${body?.error?.code}`] = (counts[`${status} ${body?.error?.code}`] ?? 0) + 1;
  return counts;
}

test(`${FLOOD} concurrent garbage tokens with IAM slowed to ${IAM_LATENCY_MS} ms: no IAM call, and a valid token answers 200 in about one IAM call`, async () => {
  slowIam();
  const flood = Promise.all(Array.from({ length: FLOOD }, () => flex(garbageToken())));
  // Every garbage token has reached the function before the valid one.
  await sleep(500);
  const valid = await timed(() => flex(emulator.mintFlexToken({ roles: ['supervisor'] })));
  const garbage = await flood;

  const calls = await iamCalls();
  recordFigure(`token flood: valid caller during ${FLOOD} garbage tokens, IAM at ${IAM_LATENCY_MS} ms (ms)`, valid.ms);
  recordFigure(`token flood: IAM calls for ${FLOOD} garbage tokens`, calls - 1);
  expect(valid.answer.status).toBe(200);
  expect(valid.ms).toBeLessThan(VALID_CALLER_BOUND_MS);
  expect(statuses(garbage)).toEqual({ [`401 invalid_token`]: FLOOD });
  expect(calls).toBe(1);
});

test(`${FORGED_BURST} concurrent forged well-formed tokens: IAM calls bounded by the slots, and a valid token waits for at most one of them`, async () => {
  slowIam();
  const floodStarted = Date.now();
  const flood = Promise.all(Array.from({ length: FORGED_BURST }, () => flex(forgedToken())));
  // Every forged token has reached the function before the valid one, so newer ones cannot pass it.
  await sleep(500);
  const valid = await timed(() => flex(emulator.mintFlexToken({ roles: ['supervisor'] })));
  const forged = await flood;
  const floodMs = Date.now() - floodStarted;

  const forForged = (await iamCalls()) - 1;
  recordFigure(`token flood: valid caller during ${FORGED_BURST} forged well-formed tokens, IAM at ${IAM_LATENCY_MS} ms (ms)`, valid.ms);
  recordFigure(`token flood: IAM calls for ${FORGED_BURST} forged well-formed tokens`, forForged);
  recordFigure(`token flood: answers to ${FORGED_BURST} forged well-formed tokens`, JSON.stringify(statuses(forged)));
  expect(valid.answer.status).toBe(200);
  expect(valid.ms).toBeLessThan(VALID_CALLER_BOUND_MS);
  // Each slot starts an IAM call at most every IAM_LATENCY_MS while the burst lasts (each forged token gives up after
  // FLEX_TOKEN_VALIDATION_TIMEOUT_MS): about 64 calls, where without the slots all 96 would start at once.
  expect(forForged).toBeLessThanOrEqual(VALIDATIONS_IN_FLIGHT * Math.ceil(floodMs / IAM_LATENCY_MS));
  for (const answer of forged) expect([401, 504]).toContain(answer.status);
});

/** 16, the slots a container has; TOKEN_FLOOD_LOOPS measures larger floods (docs/reliability.md). */
const STREAM_LOOPS = Number(process.env.TOKEN_FLOOD_LOOPS ?? 16);
const STREAM_MS = 12_000;
const AGENTS = 10;
const AGENT_BOUND_MS = 3000;

test(`a sustained stream of forged well-formed tokens (${STREAM_LOOPS} loops for ${STREAM_MS / 1000} s, IAM at ${IAM_LATENCY_MS} ms): ${AGENTS} of ${AGENTS} agents spread over it answer 200 within ${AGENT_BOUND_MS / 1000} s`, async () => {
  slowIam();
  const streamEnds = Date.now() + STREAM_MS;
  const forged: RawAnswer[] = [];
  const loops = Array.from({ length: STREAM_LOOPS }, async () => {
    while (Date.now() < streamEnds) forged.push(await flex(forgedToken()));
  });
  // Agents join once the stream is running, one a second, each with a token of its own that no container has seen.
  const agents = Array.from({ length: AGENTS }, async (_, i) => {
    await sleep(1000 * (i + 1));
    return timed(() => flex(emulator.mintFlexToken()));
  });
  const answered = await Promise.all(agents);
  await Promise.all(loops);

  const slowest = Math.max(...answered.map(({ ms }) => ms));
  recordFigure(
    `token flood: agents answered 200 within ${AGENT_BOUND_MS} ms during ${STREAM_LOOPS} loops of forged tokens`,
    `${answered.filter(({ answer, ms }) => answer.status === 200 && ms < AGENT_BOUND_MS).length} of ${AGENTS}`,
  );
  recordFigure(`token flood: slowest agent during ${STREAM_LOOPS} loops of forged tokens (ms)`, slowest);
  recordFigure(`token flood: answers to ${forged.length} streamed forged tokens`, JSON.stringify(statuses(forged)));
  expect(answered.map(({ answer }) => answer.status)).toEqual(Array.from({ length: AGENTS }, () => 200));
  expect(slowest).toBeLessThan(AGENT_BOUND_MS);
  for (const answer of forged) expect([401, 504]).toContain(answer.status);
}, 60_000);

test(`${FLOOD} concurrent uses of one bad token cost one IAM call, and later uses none`, async () => {
  slowIam();
  const token = forgedToken();
  const answers = await Promise.all(Array.from({ length: FLOOD }, () => flex(token)));
  expect(statuses(answers)).toEqual({ [`401 invalid_token`]: FLOOD });
  for (let i = 0; i < 5; i += 1) expect((await flex(token)).status).toBe(401);
  const calls = await iamCalls();
  recordFigure(`token flood: IAM calls for ${FLOOD + 5} uses of one bad token`, calls);
  expect(calls).toBe(1);
});

test('an IAM that does not answer is cut off at that bound: 504 upstream_timeout, long before the deadline', async () => {
  emulator.faults = { rules: [{ match: 'ValidateToken', hangRate: 1 }] };
  const { answer, ms } = await timed(() => flex(emulator.mintFlexToken()));
  recordFigure(`token flood: answer with IAM hanging, FLEX_TOKEN_VALIDATION_TIMEOUT_MS ${VALIDATION_TIMEOUT_MS} (ms)`, ms);
  expect(answer.status).toBe(504);
  expect(answer.body.error.code).toBe('upstream_timeout');
  expect(ms).toBeGreaterThanOrEqual(VALIDATION_TIMEOUT_MS - 100);
  expect(ms).toBeLessThan(VALIDATION_TIMEOUT_MS + 1500);
});
