import fc from 'fast-check';
import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { recordFigure } from '../support/figures';
import { assertAnswerConforms, requestProblems, type Exchange } from '../support/openapi';
import {
  ENDPOINT_PATHS,
  ENDPOINTS,
  fixedCorpus,
  generatedRequest,
  send,
  type CorpusContext,
  type Endpoint,
  type MalformedRequest,
} from '../support/malformed-requests';

/**
 * Bad input through the real `twilio-run start`: every malformed request is
 * answered with a 4xx, never a 5xx; when the request reaches a function the
 * answer is an error schema/openapi.json lists for that endpoint; nothing is
 * sent to Twilio for input that failed validation; and the server keeps serving.
 * The requests themselves are not held to the document (each is malformed on
 * purpose); how many it refuses on its own is counted, as a figure.
 */

const GENERATED_RUNS = 250;
const MIN_PER_ENDPOINT = 500;

let emulator: TestEmulator;
let functions: FunctionsServer;
let ctx: CorpusContext;
const tried: Record<Endpoint, { total: number; refusedByRuntime: number; refusedByDocument: number }> = {
  flex: { total: 0, refusedByRuntime: 0, refusedByDocument: 0 },
  studio: { total: 0, refusedByRuntime: 0, refusedByDocument: 0 },
  webhook: { total: 0, refusedByRuntime: 0, refusedByDocument: 0 },
};

beforeAll(async () => {
  emulator = await startTestEmulator();
  functions = await startFunctions(emulatorEnv(emulator));
  ctx = { interactionSid: emulator.seededSid('Inbound SMS'), flexToken: emulator.mintFlexToken() };
}, 60_000);

afterAll(async () => {
  await functions?.stop();
  await emulator?.close();
});

/** What is wrong with the answer to one malformed request, or null. */
async function problemWith(endpoint: Endpoint, request: MalformedRequest): Promise<string | null> {
  emulator.clearRequests();
  const reply = await send(functions.url, request);
  tried[endpoint].total += 1;
  if (!request.reachesFunction) tried[endpoint].refusedByRuntime += 1;
  const exchange: Exchange = {
    method: request.method,
    path: request.path,
    request: {
      contentType: Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1],
      body: typeof request.body === 'string' ? request.body : request.body && '(bytes)',
    },
    response: { status: reply.status, headers: reply.headers, body: reply.json },
  };
  if (requestProblems(exchange).length > 0) tried[endpoint].refusedByDocument += 1;
  const seen = `${request.method} ${request.label} -> ${reply.status} ${reply.text.slice(0, 160)}`;
  if (reply.status < 400 || reply.status >= 500) return `not a 4xx: ${seen}`;
  const upstream = emulator.requests();
  if (upstream.length > 0) return `sent upstream (${upstream.map((r) => r.operationId).join(', ')}): ${seen}`;
  if (!request.reachesFunction) return null;
  if (!reply.contentType.startsWith('application/json')) return `not JSON: ${seen}`;
  const error = reply.json?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string' || error.status !== reply.status)
    return `not the error envelope: ${seen}`;
  if (typeof reply.json.requestId !== 'string') return `no requestId: ${seen}`;
  if (/\bat .+:\d+:\d+/.test(reply.text)) return `a stack trace: ${seen}`;
  try {
    assertAnswerConforms(exchange);
  } catch (error) {
    return `not an answer schema/openapi.json lists: ${(error as Error).message}: ${seen}`;
  }
  return null;
}

describe.each(ENDPOINTS)('%s endpoint', (endpoint) => {
  test('the fixed corpus: every answer is a 4xx error and nothing goes upstream', async () => {
    const problems: string[] = [];
    for (const request of fixedCorpus(endpoint, ctx)) {
      const problem = await problemWith(endpoint, request);
      if (problem) problems.push(problem);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  test('generated malformed requests (fast-check): every answer is a 4xx error and nothing goes upstream', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest(endpoint, ctx), async (request) => {
        const problem = await problemWith(endpoint, request);
        if (problem) throw new Error(problem);
      }),
      { numRuns: GENERATED_RUNS },
    );
  }, 60_000);
});

test(`each endpoint was sent at least ${MIN_PER_ENDPOINT} malformed requests, and the server still serves`, async () => {
  for (const endpoint of ENDPOINTS) {
    const path = ENDPOINT_PATHS[endpoint];
    recordFigure(`malformed requests tried, ${path}`, tried[endpoint].total);
    recordFigure(`  of which the runtime refused before the function (4xx, not JSON), ${path}`, tried[endpoint].refusedByRuntime);
    recordFigure(`  of which schema/openapi.json itself does not describe, ${path}`, tried[endpoint].refusedByDocument);
    expect(tried[endpoint].total).toBeGreaterThanOrEqual(MIN_PER_ENDPOINT);
  }
  const answer = await fetch(`${functions.url}/studio/interaction`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ InteractionSid: ctx.interactionSid }),
  });
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as { interaction: { sid: string } }).interaction.sid).toBe(ctx.interactionSid);
});
