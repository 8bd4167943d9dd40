import fc from 'fast-check';
import { createEnrichmentClient, EnrichmentError, type EnrichmentClientOptions } from '../../clients/flex/src/index';
import { ERROR_STATUS, type ErrorCode } from '../../src/core/errors';
import { failure, fakeEndpoint, ok, payload, SID, type FakeAnswer, type FakeCall } from './fake-endpoint';

const OTHER_SID = 'KD1c9b991218304f1c826cbde658417d17';

function clientFor(
  answer: (call: FakeCall, n: number) => FakeAnswer | Promise<FakeAnswer>,
  options: Partial<EnrichmentClientOptions> = {},
) {
  const endpoint = fakeEndpoint(answer);
  const client = createEnrichmentClient({
    baseUrl: 'https://enrich-1234.twil.io',
    getToken: () => 'token-1',
    fetch: endpoint.fetch,
    ...options,
  });
  return { client, calls: endpoint.calls };
}

/** An answer the test releases when it wants. */
function later() {
  let release!: (answer: FakeAnswer) => void;
  const answer = new Promise<FakeAnswer>((resolve) => (release = resolve));
  return { answer, release };
}

async function failureOf(promise: Promise<unknown>): Promise<EnrichmentError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof EnrichmentError)) throw new Error(`expected an EnrichmentError, got ${String(error)}`);
  return error;
}

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('one call per interaction per page', () => {
  test('ten components asking for one interaction at once make one request and get the same answer', async () => {
    const { client, calls } = clientFor(() => ok());
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.getInteraction(SID)));
    expect(calls).toHaveLength(1);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]?.interaction.sid).toBe(SID);
  });

  test('the same parts asked in another order or case share the request, sent as the endpoint reads them', async () => {
    const { client, calls } = clientFor(() => ok());
    await Promise.all([
      client.getInteraction(SID, { include: ' Participants ,CHANNELS' }),
      client.getInteraction(SID, { include: ['channels', 'participants'] }),
      client.getInteraction(SID, { include: 'participants' }),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body.include).toBe('channels,participants');
  });

  test('other parts, another interaction or a transfer are requests of their own', async () => {
    const { client, calls } = clientFor(() => ok());
    await Promise.all([
      client.getInteraction(SID),
      client.getInteraction(SID, { include: 'all' }),
      client.getInteraction(OTHER_SID),
      client.getInteraction(SID, { transferSid: 'UX0b991f2d3727d40d5cc59aeb35491eb4' }),
    ]);
    expect(calls.map((call) => call.body)).toEqual([
      { Token: 'token-1', InteractionSid: SID, include: '' },
      { Token: 'token-1', InteractionSid: SID, include: 'channels,participants,invites,conversation,task' },
      { Token: 'token-1', InteractionSid: OTHER_SID, include: '' },
      { Token: 'token-1', InteractionSid: SID, include: '', TransferSid: 'UX0b991f2d3727d40d5cc59aeb35491eb4' },
    ]);
  });

  test('an answer is reused for cacheTtlMs, then asked for again', async () => {
    jest.useFakeTimers();
    const { client, calls } = clientFor(() => ok(), { cacheTtlMs: 5000 });
    await client.getInteraction(SID);
    await jest.advanceTimersByTimeAsync(4999);
    await client.getInteraction(SID);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await client.getInteraction(SID);
    expect(calls).toHaveLength(2);
  });

  test('cacheTtlMs 0 keeps nothing, though calls at the same moment still share one request', async () => {
    const { client, calls } = clientFor(() => ok(), { cacheTtlMs: 0 });
    await Promise.all([client.getInteraction(SID), client.getInteraction(SID)]);
    await client.getInteraction(SID);
    expect(calls).toHaveLength(2);
  });

  test('a failure is not kept: the next call asks again', async () => {
    const { client, calls } = clientFor((_call, n) => (n === 1 ? failure(502, 'upstream_error') : ok()));
    expect((await failureOf(client.getInteraction(SID))).code).toBe('upstream_error');
    await expect(client.getInteraction(SID)).resolves.toMatchObject({ interaction: { sid: SID } });
    expect(calls).toHaveLength(2);
  });

  test('fresh skips the kept answer and says fresh; a plain call joins a fresh request under way, not the other way round', async () => {
    const { client, calls } = clientFor(() => ok());
    await client.getInteraction(SID);
    await Promise.all([client.getInteraction(SID, { fresh: true }), client.getInteraction(SID)]);
    expect(calls.map((call) => call.body.fresh)).toEqual([undefined, true]);

    const slow = later();
    const { client: other, calls: otherCalls } = clientFor(() => slow.answer, { cacheTtlMs: 0 });
    const plain = other.getInteraction(SID);
    const fresh = other.getInteraction(SID, { fresh: true });
    await Promise.resolve();
    slow.release(ok());
    await Promise.all([plain, fresh]);
    expect(otherCalls.map((call) => call.body.fresh)).toEqual([undefined, true]);
  });
});

describe('abort', () => {
  test('a caller that aborts stops waiting at once; the request goes on for the others', async () => {
    const slow = later();
    const { client, calls } = clientFor(() => slow.answer);
    const leaving = new AbortController();
    const left = client.getInteraction(SID, { signal: leaving.signal });
    const staying = client.getInteraction(SID);
    await new Promise((resolve) => setTimeout(resolve, 0));
    leaving.abort();
    await expect(left).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls[0]?.signal.aborted).toBe(false);
    slow.release(ok());
    await expect(staying).resolves.toMatchObject({ interaction: { sid: SID } });
    expect(calls).toHaveLength(1);
  });

  test('when every caller has aborted the request is aborted, and the next call makes a new one', async () => {
    const { client, calls } = clientFor((_call, n) => (n === 1 ? 'hang' : ok()));
    const first = new AbortController();
    const second = new AbortController();
    const waiting = [client.getInteraction(SID, { signal: first.signal }), client.getInteraction(SID, { signal: second.signal })];
    await new Promise((resolve) => setTimeout(resolve, 0));
    first.abort();
    expect(calls[0]?.signal.aborted).toBe(false);
    second.abort(new Error('component unmounted'));
    await expect(waiting[0]).rejects.toMatchObject({ name: 'AbortError' });
    await expect(waiting[1]).rejects.toThrow('component unmounted');
    expect(calls[0]?.signal.aborted).toBe(true);
    await expect(client.getInteraction(SID)).resolves.toMatchObject({ interaction: { sid: SID } });
    expect(calls).toHaveLength(2);
  });

  test('a signal already aborted rejects without a request', async () => {
    const { client, calls } = clientFor(() => ok());
    await expect(client.getInteraction(SID, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(0);
  });

  test('an abort during the wait before a retry ends the wait: no more requests', async () => {
    jest.useFakeTimers();
    const { client, calls } = clientFor(() => failure(429, 'rate_limited', { retryAfterSeconds: 2 }));
    const controller = new AbortController();
    const call = client.getInteraction(SID, { signal: controller.signal });
    const settled = call.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(500);
    controller.abort();
    expect(await settled).toMatchObject({ name: 'AbortError' });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
  });
});

describe('the token', () => {
  test('is asked for before each request and sent with every parameter in a JSON body, never in the URL', async () => {
    const getToken = jest.fn(async () => 'token-async');
    const { client, calls } = clientFor(() => ok(), { getToken, baseUrl: 'https://enrich-1234.twil.io/' });
    await client.getInteraction(SID, { include: 'task', fresh: true });
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(calls[0]?.url).toBe('https://enrich-1234.twil.io/interaction');
    expect(calls[0]?.headers['Content-Type']).toBe('application/json');
    expect(calls[0]?.body).toEqual({ Token: 'token-async', InteractionSid: SID, include: 'task', fresh: true });
  });

  test('401 invalid_token: the token is asked for once more and the request sent once more', async () => {
    const tokens = ['expired', 'renewed'];
    const { client, calls } = clientFor((call) => (call.body.Token === 'expired' ? failure(401, 'invalid_token') : ok()), {
      getToken: () => tokens.shift(),
    });
    await expect(client.getInteraction(SID)).resolves.toMatchObject({ interaction: { sid: SID } });
    expect(calls.map((call) => call.body.Token)).toEqual(['expired', 'renewed']);
  });

  test('a token refused twice is the error: invalid_token, 401', async () => {
    const { client, calls } = clientFor(() => failure(401, 'invalid_token'));
    expect(await failureOf(client.getInteraction(SID))).toMatchObject({
      code: 'invalid_token',
      status: 401,
      requestId: 'req-invalid_token',
    });
    expect(calls).toHaveLength(2);
  });

  test('no token: missing_token, and no request', async () => {
    const { client, calls } = clientFor(() => ok(), { getToken: () => undefined });
    expect(await failureOf(client.getInteraction(SID))).toMatchObject({ code: 'missing_token', status: 401 });
    expect(calls).toHaveLength(0);
  });
});

describe('retries', () => {
  test('429: waits the retryAfterSeconds the endpoint asked, plus jitter, then asks again', async () => {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const { client, calls } = clientFor((_call, n) => (n === 1 ? failure(429, 'rate_limited', { retryAfterSeconds: 2 }) : ok()), {
      retry: { baseDelayMs: 200 },
    });
    const call = client.getInteraction(SID);
    await jest.advanceTimersByTimeAsync(2099);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await expect(call).resolves.toMatchObject({ interaction: { sid: SID } });
  });

  test('a 429 without the envelope (from in front of the function) honours its Retry-After header', async () => {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { client, calls } = clientFor((_call, n) =>
      n === 1 ? { status: 429, body: 'Too Many Requests', headers: { 'Content-Type': 'text/plain', 'Retry-After': '3' } } : ok(),
    );
    const call = client.getInteraction(SID);
    await jest.advanceTimersByTimeAsync(2999);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toMatchObject({ interaction: { sid: SID } });
  });

  test('a wait past maxTotalDelayMs is not started: the caller gets rate_limited with retryAfterSeconds at once', async () => {
    const { client, calls } = clientFor(() => failure(429, 'rate_limited', { retryAfterSeconds: 30 }, { 'Retry-After': '30' }), {
      retry: { maxTotalDelayMs: 10_000 },
    });
    expect(await failureOf(client.getInteraction(SID))).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 30 });
    expect(calls).toHaveLength(1);
  });

  test('network errors are retried with backoff, maxAttempts times in all, then network_error', async () => {
    const { client, calls } = clientFor(() => 'network_error', { retry: { maxAttempts: 3, baseDelayMs: 1 } });
    expect(await failureOf(client.getInteraction(SID))).toMatchObject({ code: 'network_error', status: null });
    expect(calls).toHaveLength(3);
  });

  test('a network error then an answer: the answer', async () => {
    const { client, calls } = clientFor((_call, n) => (n === 1 ? 'network_error' : ok()), { retry: { baseDelayMs: 1 } });
    await expect(client.getInteraction(SID)).resolves.toMatchObject({ interaction: { sid: SID } });
    expect(calls).toHaveLength(2);
  });

  test('property: no other error of the endpoint is retried, and each keeps its code and status', async () => {
    const final = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => code !== 'rate_limited' && code !== 'invalid_token');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...final), async (code) => {
        const { client, calls } = clientFor(() => failure(ERROR_STATUS[code], code));
        expect(await failureOf(client.getInteraction(SID))).toMatchObject({ code, status: ERROR_STATUS[code], requestId: `req-${code}` });
        expect(calls).toHaveLength(1);
      }),
    );
  });

  test('property: rate limits and network errors never wait past maxTotalDelayMs nor try past maxAttempts', async () => {
    jest.useFakeTimers();
    const failures = fc.array(
      fc.oneof(
        fc.constant<FakeAnswer>('network_error'),
        fc.nat({ max: 6 }).map((retryAfterSeconds) => failure(429, 'rate_limited', { retryAfterSeconds })),
      ),
      { minLength: 1, maxLength: 8 },
    );
    const bounds = fc.record({ maxAttempts: fc.integer({ min: 1, max: 6 }), maxTotalDelayMs: fc.nat({ max: 15_000 }) });
    await fc.assert(
      fc.asyncProperty(failures, bounds, async (answers, retry) => {
        const { client, calls } = clientFor((_call, n) => answers[n - 1] ?? ok(), { retry });
        const started = Date.now();
        const settled = client.getInteraction(SID).then(
          () => 'answered',
          (error: EnrichmentError) => error.code,
        );
        await jest.runAllTimersAsync();
        const outcome = await settled;
        expect(Date.now() - started).toBeLessThanOrEqual(retry.maxTotalDelayMs);
        expect(calls.length).toBeLessThanOrEqual(retry.maxAttempts);
        if (outcome === 'answered') expect(calls).toHaveLength(answers.length + 1);
        else expect(['network_error', 'rate_limited']).toContain(outcome);
      }),
      { numRuns: 60 },
    );
  });
});

describe('errors, typed by code', () => {
  test("an error answer becomes an EnrichmentError with the endpoint's code, status, message, requestId and parameter", async () => {
    const { client } = clientFor(() => failure(400, 'invalid_interaction_sid', { parameter: 'InteractionSid' }));
    const error = await failureOf(client.getInteraction('KD123'));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'EnrichmentError',
      code: 'invalid_interaction_sid',
      status: 400,
      message: 'invalid_interaction_sid happened',
      requestId: 'req-invalid_interaction_sid',
      parameter: 'InteractionSid',
      retryAfterSeconds: undefined,
    });
  });

  test("an answer that is not the endpoint's (a gateway's HTML page) is unexpected_response, with its status", async () => {
    const { client } = clientFor(() => ({ status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } }));
    expect(await failureOf(client.getInteraction(SID))).toMatchObject({ code: 'unexpected_response', status: 502 });
  });

  test('a 200 of another schemaVersion is unexpected_response naming both versions, never a payload read wrongly', async () => {
    const { client } = clientFor(() => ok({ ...payload(), meta: { ...payload().meta, schemaVersion: 3 } }));
    const error = await failureOf(client.getInteraction(SID));
    expect(error).toMatchObject({ code: 'unexpected_response', status: 200 });
    expect(error.message).toContain('schemaVersion 3; this client reads 2');
  });

  test('a part the endpoint does not know is invalid_include before any request', async () => {
    const { client, calls } = clientFor(() => ok());
    expect(await failureOf(client.getInteraction(SID, { include: 'channels,tasks' }))).toMatchObject({
      code: 'invalid_include',
      status: 400,
      parameter: 'include',
    });
    expect(calls).toHaveLength(0);
  });

  test('a setting that is not a number in range fails when the client is made', () => {
    const make = (options: Partial<EnrichmentClientOptions>) => () =>
      createEnrichmentClient({ baseUrl: 'https://enrich-1234.twil.io', getToken: () => 't', ...options });
    expect(make({ cacheTtlMs: -1 })).toThrow('cacheTtlMs must be a number of at least 0.');
    expect(make({ retry: { maxAttempts: 0 } })).toThrow('maxAttempts must be a number of at least 1.');
    expect(make({ taskSummaryMaxAgeMs: Number.NaN })).toThrow('taskSummaryMaxAgeMs');
    expect(make({ baseUrl: 'not a url' })).toThrow();
  });
});
