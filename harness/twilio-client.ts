import twilio from 'twilio';
import { ConcurrencyLimit } from '../src/core/concurrency-limit';
import { Deadline } from '../src/core/deadline';
import { createLogger } from '../src/core/logger';
import { UpstreamHttpClient, type RetryPolicy } from '../src/core/twilio/upstream-http-client';

/**
 * The twilio helper for scripts and tests, with the same TWILIO_API_BASE_URL
 * switch as the functions: the project's http client (the helper's
 * `httpClient` extension point) sends every https://*.twilio.com request to
 * `baseUrl` when it is set, and to Twilio when it is null.
 */
export function redirectedTwilioClient(options: {
  username: string;
  password: string;
  accountSid?: string;
  baseUrl: string | null;
  policy?: Partial<RetryPolicy>;
  deadlineMs?: number;
}) {
  const http = new UpstreamHttpClient(new twilio.RequestClient({ keepAlive: true, autoRetry: false }), {
    baseUrl: options.baseUrl,
    policy: { maxAttempts: 3, attemptTimeoutMs: 5000, retryBaseMs: 50, retryMaxDelayMs: 500, ...options.policy },
    limit: new ConcurrencyLimit(32),
  });
  // The whole script is one scope: one deadline, one count.
  const scope = {
    deadline: Deadline.in(options.deadlineMs ?? 60_000),
    logger: createLogger({ requestId: 'script', level: 'silent', secrets: [] }),
    attempts: { count: 0 },
  };
  const httpClient = {
    request: (request: Parameters<UpstreamHttpClient['request']>[0]) => http.within(scope, () => http.request(request)),
  };
  const client = twilio(options.username, options.password, {
    ...(options.accountSid ? { accountSid: options.accountSid } : {}),
    httpClient: httpClient as never,
    autoRetry: false,
  });
  return { client };
}
