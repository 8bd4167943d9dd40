import { executionAsyncResource } from 'node:async_hooks';
import twilio from 'twilio';
import { ConcurrencyLimit } from '../../src/core/concurrency-limit';
import { RateLimitCooldown } from '../../src/core/rate-limit-cooldown';
import { RetryBudget } from '../../src/core/retry-budget';
import { Deadline } from '../../src/core/deadline';
import { createLogger } from '../../src/core/logger';
import { TwilioGateway } from '../../src/core/twilio/twilio-gateway';
import { UpstreamHttpClient, type Transport } from '../../src/core/twilio/upstream-http-client';

/** The container's http client: each invocation's scope (deadline, count), scoped deadlines, and what it leaves behind. */

const ok = { statusCode: 200, body: '{}', headers: {} };

function client(timeouts: number[]) {
  const transport: Transport = {
    request: async (options) => {
      timeouts.push(options.timeout ?? -1);
      return ok as never;
    },
  };
  return new UpstreamHttpClient(transport, {
    baseUrl: null,
    policy: { maxAttempts: 1, attemptTimeoutMs: 5000, retryBaseMs: 10, retryMaxDelayMs: 50 },
    limit: new ConcurrencyLimit(4),
    budget: generousBudget(),
    cooldown: noHold(),
  });
}

const generousBudget = () => new RetryBudget({ ratio: 1, reservePerSecond: 100 });
const noHold = () => new RateLimitCooldown({ defaultMs: 0 });

const scope = (deadlineMs = 8000) => ({
  deadline: Deadline.in(deadlineMs),
  logger: createLogger({ requestId: 't', level: 'silent', secrets: [] }),
  attempts: { count: 0 },
});

const get = { method: 'get', uri: 'https://flex-api.twilio.com/v1/Interactions/KD' + '0'.repeat(32) } as never;

test('a tighter deadline applies to the requests sent inside withDeadline, and not to one sent beside it', async () => {
  const timeouts: number[] = [];
  const http = client(timeouts);
  await http.within(scope(), () => Promise.all([http.withDeadline(Deadline.in(300), () => http.request(get)), http.request(get)]));
  expect(timeouts.sort((a, b) => a - b)[0]).toBeLessThanOrEqual(300);
  expect(timeouts[1]).toBe(5000);
});

test('one client serves concurrent invocations: each request is bounded by its own deadline and counted in its own scope', async () => {
  const timeouts: number[] = [];
  const http = client(timeouts);
  const [short, long] = [scope(400), scope(8000)];
  await Promise.all([
    http.within(short, () => http.request(get)),
    http.within(long, () => Promise.all([http.request(get), http.withDeadline(Deadline.in(1000), () => http.request(get))])),
  ]);
  expect(short.attempts.count).toBe(1);
  expect(long.attempts.count).toBe(2);
  expect(timeouts.sort((a, b) => a - b)).toEqual([expect.any(Number), expect.any(Number), 5000]);
  expect(timeouts[0]).toBeLessThanOrEqual(400);
  expect(timeouts[1]).toBeLessThanOrEqual(1000);
  expect(timeouts[1]).toBeGreaterThan(400);
});

test('a request outside any invocation is refused, not sent without a deadline', async () => {
  const timeouts: number[] = [];
  await expect(client(timeouts).request(get)).rejects.toMatchObject({ code: 'internal_error' });
  expect(timeouts).toEqual([]);
});

test("requests inside withDeadline with a limit of their own take its slots, never the container's", async () => {
  let hang!: () => void;
  const hanging = new Promise<void>((resolve) => (hang = resolve));
  const container = new ConcurrencyLimit(1);
  const own = new ConcurrencyLimit(1);
  const sent: string[] = [];
  const http = new UpstreamHttpClient(
    {
      request: async (options) => {
        sent.push(options.uri);
        if (options.uri.includes('Tokens')) await hanging;
        return ok as never;
      },
    },
    {
      baseUrl: null,
      policy: { maxAttempts: 1, attemptTimeoutMs: 5000, retryBaseMs: 10, retryMaxDelayMs: 50 },
      limit: container,
      budget: generousBudget(),
      cooldown: noHold(),
    },
  );
  const validate = { method: 'post', uri: 'https://iam.twilio.com/v1/Accounts/AC/Tokens/validate' } as never;
  // The own limit's one slot is held by a validation that hangs: another validation waits, a data call does not.
  const invocation = scope();
  const first = http.within(invocation, () => http.withDeadline(Deadline.in(2000), () => http.request(validate), { limit: own }));
  const second = http.within(invocation, () => http.withDeadline(Deadline.in(100), () => http.request(validate), { limit: own }));
  await expect(http.within(invocation, () => http.request(get))).resolves.toBe(ok);
  await expect(second).rejects.toMatchObject({ code: 'deadline_exceeded' });
  expect(sent.filter((uri) => uri.includes('Tokens'))).toHaveLength(1);
  hang();
  await first;
});

test('thousands of invocations with scoped deadlines add nothing to later async operations', async () => {
  const symbolsOnAnAsyncResource = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return Object.getOwnPropertySymbols(executionAsyncResource()).length;
  };
  const before = await symbolsOnAnAsyncResource();
  for (let i = 0; i < 2000; i += 1) {
    const http = client([]);
    await http.within(scope(), () => http.withDeadline(Deadline.in(300), () => http.request(get)));
  }
  // Each async-context store ever used marks every new async resource; one per invocation would add 2000 here.
  expect((await symbolsOnAnAsyncResource()) - before).toBeLessThanOrEqual(1);
});

test('Twilio answers 503 and the backoff would outlast the time left: deadline_exceeded at once, not after the sleep', async () => {
  let sent = 0;
  const failing: Transport = {
    request: async () => {
      sent += 1;
      return { statusCode: 503, body: '{"code":20500,"status":503}', headers: {} } as never;
    },
  };
  const http = new UpstreamHttpClient(failing, {
    baseUrl: null,
    policy: { maxAttempts: 3, attemptTimeoutMs: 1000, retryBaseMs: 5000, retryMaxDelayMs: 5000 },
    limit: new ConcurrencyLimit(4),
    budget: generousBudget(),
    cooldown: noHold(),
    // The largest draw: a 4,950 ms backoff, more than twice the 2,000 ms left.
    random: () => 0.99,
  });
  const started = performance.now();
  await expect(http.within(scope(2000), () => http.request(get))).rejects.toMatchObject({ code: 'deadline_exceeded' });
  // Refused at once it takes a few ms; a sleep let run (and the attempt after it refused) would take 4,950.
  // 1,000 ms tells the two apart on any machine, however loaded.
  expect(performance.now() - started).toBeLessThan(1000);
  expect(sent).toBe(1);
});

describe('429s and the retry budget', () => {
  const answering = (statuses: number[], headers: Record<string, string> = {}) => {
    const sent: number[] = [];
    const transport: Transport = {
      request: async () => {
        const statusCode = statuses[Math.min(sent.length, statuses.length - 1)]!;
        sent.push(statusCode);
        return { statusCode, body: '{}', headers: statusCode === 429 ? headers : {} } as never;
      },
    };
    return { transport, sent };
  };
  const httpWith = (transport: Transport, budget: RetryBudget, maxAttempts = 6, cooldown = noHold()) =>
    new UpstreamHttpClient(transport, {
      baseUrl: null,
      policy: { maxAttempts, attemptTimeoutMs: 1000, retryBaseMs: 1, retryMaxDelayMs: 2 },
      limit: new ConcurrencyLimit(4),
      budget,
      cooldown,
    });

  test('a 429 is retried while the budget holds, and succeeds', async () => {
    const { transport, sent } = answering([429, 200]);
    const answer = await httpWith(transport, generousBudget()).within(scope(), () => httpWith(transport, generousBudget()).request(get));
    expect(answer.statusCode).toBe(200);
    expect(sent).toEqual([429, 200]);
  });

  test('with the budget spent, a 429 ends at once as rate_limited with twilioCode 20429 and a Retry-After of 1 s', async () => {
    const { transport, sent } = answering([429]);
    const http = httpWith(transport, new RetryBudget({ ratio: 0, reservePerSecond: 0 }));
    await expect(http.within(scope(), () => http.request(get))).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
      details: { twilioCode: 20429, retryAfterSeconds: 1 },
    });
    expect(sent).toEqual([429]);
  });

  test("under a storm of 429s, retries stay within the budget's share of the requests sent", async () => {
    const { transport, sent } = answering([429]);
    let clock = 0;
    const http = httpWith(transport, new RetryBudget({ ratio: 0.1, reservePerSecond: 0, now: () => clock }));
    const requests = 200;
    for (let i = 0; i < requests; i += 1) {
      clock += 10;
      await http.within(scope(), () => http.request(get)).catch(() => undefined);
    }
    // 200 first attempts earn 20 retries; without the budget each request would have made 6 attempts.
    expect(sent.length).toBeLessThanOrEqual(requests * 1.1 + 1);
    expect(sent.length).toBeGreaterThan(requests);
  });

  test("Twilio's Retry-After is honoured when it fits before the deadline, and passed on when it does not", async () => {
    const fits = answering([429, 200], { 'Retry-After': '1' });
    const started = performance.now();
    const http = httpWith(fits.transport, generousBudget());
    expect((await http.within(scope(8000), () => http.request(get))).statusCode).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);

    const late = answering([429, 200], { 'Retry-After': '30' });
    const refused = httpWith(late.transport, generousBudget());
    await expect(refused.within(scope(8000), () => refused.request(get))).rejects.toMatchObject({
      code: 'rate_limited',
      details: { retryAfterSeconds: 30 },
    });
    expect(late.sent).toEqual([429]);
  });

  describe('after a 429, the endpoint is held', () => {
    const fetchOf = (sid: string) => ({ method: 'get', uri: `https://flex-api.twilio.com/v1/Interactions/${sid}` }) as const;
    const one = fetchOf(`KD${'1'.repeat(32)}`);
    const other = fetchOf(`KD${'2'.repeat(32)}`);
    const channels = { method: 'get', uri: `https://flex-api.twilio.com/v1/Interactions/KD${'1'.repeat(32)}/Channels` } as const;
    const spent = () => new RetryBudget({ ratio: 0, reservePerSecond: 0 });

    test('requests to it end as rate_limited without being sent until the hold is over; other endpoints are sent', async () => {
      const { transport, sent } = answering([429, 200]);
      let clock = 0;
      const http = httpWith(transport, spent(), 6, new RateLimitCooldown({ defaultMs: 1000, now: () => clock }));
      const send = (request: typeof one | typeof channels) => http.within(scope(), () => http.request(request));
      await expect(send(one)).rejects.toMatchObject({ code: 'rate_limited' });
      clock = 400;
      // Another interaction is the same endpoint: held, answered at once with the 0.6 s left rounded up.
      await expect(send(other)).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: 1 } });
      expect((await send(channels)).statusCode).toBe(200);
      expect(sent).toEqual([429, 200]);
      clock = 1000;
      expect((await send(other)).statusCode).toBe(200);
      expect(sent).toEqual([429, 200, 200]);
    });

    test("Twilio's Retry-After sets the hold", async () => {
      const { transport, sent } = answering([429, 200], { 'Retry-After': '5' });
      let clock = 0;
      const http = httpWith(transport, spent(), 6, new RateLimitCooldown({ defaultMs: 1000, now: () => clock }));
      await expect(http.within(scope(), () => http.request(one))).rejects.toMatchObject({ details: { retryAfterSeconds: 5 } });
      clock = 4999;
      await expect(http.within(scope(), () => http.request(one))).rejects.toMatchObject({ details: { retryAfterSeconds: 1 } });
      clock = 5000;
      expect((await http.within(scope(), () => http.request(one))).statusCode).toBe(200);
      expect(sent).toEqual([429, 200]);
    });

    test('a retry the budget allows waits for the hold to end', async () => {
      const { transport, sent } = answering([429, 200]);
      const http = httpWith(transport, generousBudget(), 6, new RateLimitCooldown({ defaultMs: 300 }));
      const started = performance.now();
      expect((await http.within(scope(), () => http.request(one))).statusCode).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(sent).toEqual([429, 200]);
    });

    test('requests queued for a slot when the 429 comes back are held too, not sent', async () => {
      // One slot: the first request is in flight, nine more passed the first check and wait for its slot.
      let answerFirst!: (statusCode: number) => void;
      let sent = 0;
      const transport: Transport = {
        request: () => {
          sent += 1;
          if (sent > 1) return Promise.resolve(ok as never);
          return new Promise((resolve) => {
            answerFirst = (statusCode) => resolve({ statusCode, body: '{}', headers: {} } as never);
          });
        },
      };
      const http = new UpstreamHttpClient(transport, {
        baseUrl: null,
        policy: { maxAttempts: 1, attemptTimeoutMs: 1000, retryBaseMs: 1, retryMaxDelayMs: 2 },
        limit: new ConcurrencyLimit(1),
        budget: spent(),
        cooldown: new RateLimitCooldown({ defaultMs: 1000 }),
      });
      const answers = Array.from({ length: 10 }, () =>
        http
          .within(scope(), () => http.request(one))
          .then(
            (response) => response.statusCode,
            (error: { code: string }) => error.code,
          ),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(sent).toBe(1);
      answerFirst(429);
      expect(await Promise.all(answers)).toEqual(Array.from({ length: 10 }, () => 'rate_limited'));
      expect(sent).toBe(1);
    });

    test('under a storm of 429s, one attempt per hold is sent, whatever the number of requests', async () => {
      const { transport, sent } = answering([429]);
      let clock = 0;
      const http = httpWith(
        transport,
        new RetryBudget({ ratio: 0.1, reservePerSecond: 0, now: () => clock }),
        6,
        new RateLimitCooldown({ defaultMs: 1000, now: () => clock }),
      );
      for (let i = 0; i < 200; i += 1) {
        clock += 10;
        await http.within(scope(), () => http.request(one)).catch(() => undefined);
      }
      // 2 s of requests every 10 ms: two holds of 1 s, so two or three attempts instead of 200.
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(sent.length).toBeLessThanOrEqual(3);
    });
  });
});

describe("only Twilio's hosts and the base URL are sent anything", () => {
  const ACCOUNT_SID = 'AC' + '0'.repeat(32);
  const AUTH_TOKEN = 'authTOKEN-never-off-twilio-000001';
  const INTERACTION = 'KD' + '1'.repeat(32);

  /** A transport that answers every request with `page` and keeps what it was asked to send. */
  function recording(page: (uri: string) => unknown) {
    const sent: Array<{ uri: string; username?: string | undefined }> = [];
    const transport: Transport = {
      request: async (options) => {
        sent.push({ uri: options.uri, username: options.username });
        return { statusCode: 200, body: JSON.stringify(page(options.uri)), headers: {} } as never;
      },
    };
    return { transport, sent };
  }

  function setUp(transport: Transport, baseUrl: string | null = null) {
    const lines: string[] = [];
    const http = new UpstreamHttpClient(transport, {
      baseUrl,
      policy: { maxAttempts: 3, attemptTimeoutMs: 1000, retryBaseMs: 1, retryMaxDelayMs: 2 },
      limit: new ConcurrencyLimit(4),
      budget: generousBudget(),
      cooldown: noHold(),
    });
    const invocation = {
      deadline: Deadline.in(5000),
      logger: createLogger({ requestId: 't', level: 'debug', secrets: [AUTH_TOKEN], write: (line) => lines.push(line) }),
      attempts: { count: 0 },
    };
    // The helper as the warm container builds it: the project's client as its httpClient.
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: { request: (o: never) => http.request(o) } as never, autoRetry: false });
    const gateway = new TwilioGateway(client, http, ACCOUNT_SID, invocation.attempts);
    return { http, gateway, lines, invocation, run: <T>(work: () => Promise<T>) => http.within(invocation, work) };
  }

  const channelsPage = (next: string | null) => ({
    channels: [{ sid: 'UO' + '2'.repeat(32), type: 'sms', status: 'active', interaction_sid: INTERACTION }],
    meta: { key: 'channels', page: 0, page_size: 200, next_page_url: next },
  });

  test('a URL off them is not sent: upstream_error at once, no attempt counted, a warning that names the host and no secret', async () => {
    const { transport, sent } = recording(() => ({}));
    const { http, lines, invocation, run } = setUp(transport);
    const uri = `https://api.twilio.com:${AUTH_TOKEN}@evil.example:8443/v1/next?PageToken=PT50`;
    await expect(
      run(() => http.request({ method: 'get', uri, username: ACCOUNT_SID, password: AUTH_TOKEN } as never)),
    ).rejects.toMatchObject({
      code: 'upstream_error',
      status: 502,
      message: expect.stringMatching(/not on a Twilio host/),
    });
    expect(sent).toEqual([]);
    expect(invocation.attempts.count).toBe(0);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', event: 'upstream_host_refused', method: 'GET', host: 'evil.example:8443' }),
    ]);
    expect(lines.join('\n')).not.toMatch(/authTOKEN|api\.twilio\.com|PageToken/);
  });

  test.each([
    ['another host', 'https://evil.example/v1/Interactions/next'],
    ["Twilio's name as userinfo", 'https://flex-api.twilio.com@evil.example/v1/next'],
    ['a lookalike name', 'https://flex-api.twilio.com.evil.example/v1/next'],
    ['http', 'http://flex-api.twilio.com/v1/next'],
  ])(
    'through the helper: a list whose page names its next page on %s reads the first page only, and fails as upstream_error',
    async (_, next) => {
      const { transport, sent } = recording(() => channelsPage(next));
      const { gateway, lines, run } = setUp(transport);
      await expect(run(() => gateway.listChannels(INTERACTION, 200))).rejects.toMatchObject({ code: 'upstream_error' });
      expect(sent).toEqual([{ uri: `https://flex-api.twilio.com/v1/Interactions/${INTERACTION}/Channels`, username: ACCOUNT_SID }]);
      expect(lines.filter((line) => line.includes('upstream_host_refused'))).toHaveLength(1);
    },
  );

  test('through the helper: a next page on Twilio, or at the base URL, is followed', async () => {
    const onTwilio = recording((uri) =>
      channelsPage(uri.includes('PageToken') ? null : `${uri.split('?')[0]}?PageSize=200&Page=1&PageToken=PT1`),
    );
    const remote = setUp(onTwilio.transport);
    await expect(remote.run(() => remote.gateway.listChannels(INTERACTION, 200))).resolves.toHaveLength(2);
    expect(onTwilio.sent).toHaveLength(2);

    const base = 'http://127.0.0.1:4010';
    const atBase = recording((uri) =>
      channelsPage(uri.startsWith(base) && uri.includes('PageToken') ? null : `${base}/v1/next?PageToken=PT1`),
    );
    const local = setUp(atBase.transport, base);
    await expect(local.run(() => local.gateway.listChannels(INTERACTION, 200))).resolves.toHaveLength(2);
    expect(atBase.sent.map((r) => r.uri)).toEqual([`${base}/v1/Interactions/${INTERACTION}/Channels`, `${base}/v1/next?PageToken=PT1`]);
  });
});
