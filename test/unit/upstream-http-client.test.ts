import { executionAsyncResource } from 'node:async_hooks';
import { ConcurrencyLimit } from '../../src/core/concurrency-limit';
import { Deadline } from '../../src/core/deadline';
import { createLogger } from '../../src/core/logger';
import { UpstreamHttpClient, type Transport } from '../../src/core/twilio/upstream-http-client';

/** The per-invocation http client: scoped deadlines, and what it leaves behind in a warm container. */

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
    deadline: Deadline.in(8000),
    limit: new ConcurrencyLimit(4),
    logger: createLogger({ requestId: 't', level: 'silent', secrets: [] }),
  });
}

const get = { method: 'get', uri: 'https://flex-api.twilio.com/v1/Interactions/KD' + '0'.repeat(32) } as never;

test('a tighter deadline applies to the requests sent inside withDeadline, and not to one sent beside it', async () => {
  const timeouts: number[] = [];
  const http = client(timeouts);
  await Promise.all([http.withDeadline(Deadline.in(300), () => http.request(get)), http.request(get)]);
  expect(timeouts.sort((a, b) => a - b)[0]).toBeLessThanOrEqual(300);
  expect(timeouts[1]).toBe(5000);
});

test('thousands of invocations with scoped deadlines add nothing to later async operations', async () => {
  const symbolsOnAnAsyncResource = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return Object.getOwnPropertySymbols(executionAsyncResource()).length;
  };
  const before = await symbolsOnAnAsyncResource();
  for (let i = 0; i < 2000; i += 1) {
    const http = client([]);
    await http.withDeadline(Deadline.in(300), () => http.request(get));
  }
  // Each async-context store ever used marks every new async resource; one per invocation would add 2000 here.
  expect((await symbolsOnAnAsyncResource()) - before).toBeLessThanOrEqual(1);
});
