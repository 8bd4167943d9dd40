import twilio from 'twilio';
import { ConcurrencyLimit } from '../../src/core/concurrency-limit';
import { Deadline } from '../../src/core/deadline';
import { createLogger } from '../../src/core/logger';
import { UpstreamHttpClient } from '../../src/core/twilio/upstream-http-client';

const transport = new twilio.RequestClient({ keepAlive: true });

/**
 * The real twilio helper, sent to `baseUrl` by the project's redirecting
 * http client: what TWILIO_API_BASE_URL does for the functions.
 */
export function redirectedClient(
  baseUrl: string,
  credentials: { username: string; password: string; accountSid?: string },
  options: { deadlineMs?: number; maxAttempts?: number } = {},
) {
  const http = new UpstreamHttpClient(transport, {
    baseUrl,
    policy: { maxAttempts: options.maxAttempts ?? 1, attemptTimeoutMs: 5000, retryBaseMs: 10, retryMaxDelayMs: 50 },
    deadline: Deadline.in(options.deadlineMs ?? 20_000),
    limit: new ConcurrencyLimit(32),
    logger: createLogger({ requestId: 'test', level: 'silent', secrets: [] }),
  });
  const client = twilio(credentials.username, credentials.password, {
    accountSid: credentials.accountSid,
    httpClient: http as never,
    autoRetry: false,
  });
  return { client, http };
}
