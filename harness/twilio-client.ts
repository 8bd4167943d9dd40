/**
 * The twilio helper sent to the emulator (or any base URL) the way TWILIO_API_BASE_URL sends the functions' client,
 * both with the project's own code: a client of its own on the project's http client, for scripts and tests; or,
 * for code that cannot be given a client (the bench's baseline), the helper's RequestClient patched in this process.
 */
import twilio from 'twilio';
import { RateLimitCooldown } from '../src/core/rate-limit-cooldown';
import { RetryBudget } from '../src/core/retry-budget';
import { ConcurrencyLimit } from '../src/core/concurrency-limit';
import { Deadline } from '../src/core/deadline';
import { createLogger } from '../src/core/logger';
import { redirect, UpstreamHttpClient, type RetryPolicy } from '../src/core/twilio/upstream-http-client';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

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
    // A script retries every 429 its attempts allow: there is no account-wide load to protect from it.
    budget: new RetryBudget({ ratio: 1, reservePerSecond: 100 }),
    cooldown: new RateLimitCooldown({ defaultMs: 0 }),
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

/**
 * Sends every request the twilio helper makes for https://*.twilio.com to the
 * emulator instead, with the project's own `redirect` (what
 * TWILIO_API_BASE_URL does for the project's functions). The naive baseline
 * has no such setting, so the bench patches the helper's RequestClient in the
 * process that runs it. Requests already sent elsewhere pass through untouched,
 * so the project's functions run under the same patch at no cost.
 */
export function redirectTwilioHelper(baseUrl: string): void {
  const prototype = twilio.RequestClient.prototype as { request: (options: RequestOptions) => Promise<unknown>; redirected?: true };
  if (prototype.redirected) return;
  const send = prototype.request;
  prototype.request = function (this: unknown, options: RequestOptions) {
    const target = redirect(options.uri, baseUrl);
    if (!target.forwardedHost) return send.call(this, options);
    return send.call(this, { ...options, uri: target.uri, headers: { ...options.headers, 'X-Forwarded-Host': target.forwardedHost } });
  };
  prototype.redirected = true;
}
