import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestClient } from 'twilio';
import type { ConcurrencyLimit } from '../concurrency-limit';
import type { Deadline } from '../deadline';
import { EnrichmentError } from '../errors';
import type { Logger } from '../logger';
import { endpointOf, type RateLimitCooldown } from '../rate-limit-cooldown';
import { retryAfterSeconds, type RetryBudget } from '../retry-budget';
import { checkUpstreamUrl } from './api-base-url';

type RequestOptions = Parameters<RequestClient['request']>[0];
type HttpResponse = Awaited<ReturnType<RequestClient['request']>>;

/** What actually sends a request: the helper's RequestClient (shared per container), or a fake in tests. */
export interface Transport {
  request(options: RequestOptions): Promise<HttpResponse>;
}

export interface RetryPolicy {
  maxAttempts: number;
  attemptTimeoutMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
}

const TWILIO_HOST = /^https:\/\/([a-z0-9.-]+\.twilio\.com)(?::443)?(?=\/|$)/i;
/** An attempt with less time than this left is not started. */
const MIN_ATTEMPT_MS = 25;
/** What a rate-limited answer tells its caller to wait when Twilio's 429 named no Retry-After. */
export const DEFAULT_RETRY_AFTER_S = 1;
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_BAD_RESPONSE',
]);

/**
 * The `TWILIO_API_BASE_URL` switch: a request for any https://*.twilio.com
 * host goes to `baseUrl` with the same path, query and body, and names the
 * host it meant in X-Forwarded-Host so the emulator can tell products apart.
 */
export function redirect(uri: string, baseUrl: string | null): { uri: string; forwardedHost?: string } {
  if (!baseUrl) return { uri };
  const match = TWILIO_HOST.exec(uri);
  if (!match) return { uri };
  return { uri: baseUrl + uri.slice(match[0].length), forwardedHost: match[1]!.toLowerCase() };
}

/**
 * What one invocation's requests share: its deadline (tightened inside
 * withDeadline), its logger, the count of attempts it sent, and, inside
 * withDeadline, maybe a concurrency limit of their own. It follows the
 * invocation's own async calls, so one client serves a whole container while
 * each invocation keeps its deadline and its count.
 */
export interface CallScope {
  deadline: Deadline;
  logger: Logger;
  attempts: { count: number };
  limit?: ConcurrencyLimit;
}

/**
 * One for the module, never one per client or per invocation: every
 * AsyncLocalStorage that has run stays registered for the life of the
 * process and adds work to every later async operation.
 */
const callScope = new AsyncLocalStorage<CallScope>();

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function isRetryableNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code);
}

/** Exponential backoff with full jitter: a random wait in [0, min(max, base * 2^(attempt-1))). */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'retryBaseMs' | 'retryMaxDelayMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.retryMaxDelayMs, policy.retryBaseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The http client handed to the twilio helper (its supported extension point,
 * `httpClient`). One per container: each request runs in the scope of the
 * invocation that sent it (`within`), whose deadline bounds it and whose
 * count it adds to. It retries 5xx and network errors itself (the helper's
 * autoRetry stays off) and waits for a slot in the container's concurrency
 * limit. It sends only to Twilio's hosts or the base URL (`checkUpstreamUrl`):
 * anything else, such as a list's next page on another host, ends at once as
 * `upstream_error` before any credential leaves. A 429 holds its endpoint for
 * this container (`RateLimitCooldown`): requests to it meanwhile end at once
 * as `rate_limited` without being sent.
 * The 429 itself is retried, once the hold is over, only while the container's
 * retry budget holds and that wait fits before the deadline; otherwise it too
 * ends at once as `rate_limited`, telling the caller when to come back.
 *
 * Every POST the functions send is safe to repeat: token validation reads,
 * and task updates carry If-Match, so a repeated write answers 412.
 */
export class UpstreamHttpClient {
  constructor(
    private readonly transport: Transport,
    private readonly options: {
      baseUrl: string | null;
      policy: RetryPolicy;
      limit: ConcurrencyLimit;
      /** Retries of 429s this container may still spend. */
      budget: RetryBudget;
      /** The endpoints Twilio answered 429 on, held a while before this container sends them again. */
      cooldown: RateLimitCooldown;
      random?: () => number;
    },
  ) {}

  /** Runs `work` as one invocation: the requests it sends are bounded by `scope.deadline` and counted in `scope.attempts`. */
  within<T>(scope: CallScope, work: () => Promise<T>): Promise<T> {
    return callScope.run(scope, work);
  }

  /**
   * Runs `work` with a tighter deadline for the requests it sends (e.g. Flex
   * token validation), and, when `limit` is given, with their slots taken from
   * it instead of the container's limit. Both follow `work`'s own async calls,
   * so a request sent concurrently from outside keeps the invocation's.
   */
  withDeadline<T>(deadline: Deadline, work: () => Promise<T>, options: { limit?: ConcurrencyLimit } = {}): Promise<T> {
    const outer = currentScope();
    const scope = { ...outer, deadline, limit: options.limit ?? outer.limit };
    return callScope.run(scope, () => deadline.race(work(), 'a bounded Twilio request'));
  }

  async request(options: RequestOptions): Promise<HttpResponse> {
    const { policy } = this.options;
    const { deadline, logger, attempts, limit: own } = currentScope();
    const limit = own ?? this.options.limit;
    const allowed = checkUpstreamUrl(options.uri, this.options.baseUrl);
    if (!allowed.ok) {
      logger.warn('upstream_host_refused', { method: options.method.toUpperCase(), host: allowed.host });
      throw new EnrichmentError('upstream_error', 'A URL that is not on a Twilio host (a next page named elsewhere) was not requested.');
    }
    const target = redirect(allowed.uri, this.options.baseUrl);
    const headers = { ...(options.headers ?? {}), ...(target.forwardedHost ? { 'X-Forwarded-Host': target.forwardedHost } : {}) };
    const what = `${options.method.toUpperCase()} ${new URL(allowed.uri).pathname}`;
    const endpoint = endpointOf(options.method, allowed.uri);
    const { budget, cooldown } = this.options;

    const refuseWhileHeld = () => {
      const held = cooldown.remainingMs(endpoint);
      if (held <= 0) return;
      logger.debug('upstream_held', { request: what, heldMs: held });
      throw rateLimited(what, Math.ceil(held / 1000));
    };

    refuseWhileHeld();
    budget.earn();
    for (let attempt = 1; ; attempt += 1) {
      let retryReason: string;
      let delayMs = backoffDelay(attempt, policy, this.options.random);
      let retryAfter: number | null = null;
      try {
        const response = await limit.run(deadline, what, async () => {
          // Checked again once the slot is ours: a 429 answered while this request queued holds it too, so a queue
          // of requests that passed the first check is not sent into a limit that is already refusing.
          refuseWhileHeld();
          // Measured once the slot is ours: time spent queueing is not the attempt's to spend.
          const timeout = Math.min(policy.attemptTimeoutMs, deadline.remaining());
          if (timeout < MIN_ATTEMPT_MS) throw deadline.exceeded(what);
          attempts.count += 1;
          const sent = await deadline.race(this.transport.request({ ...options, uri: target.uri, headers, timeout }), what);
          // The hold starts before the slot is freed, so the request that takes the slot next already sees it.
          if (sent.statusCode === 429) {
            retryAfter = retryAfterSeconds(headerOf(sent.headers, 'retry-after'));
            cooldown.rateLimited(endpoint, retryAfter);
          }
          return sent;
        });
        if (response.statusCode === 429) {
          delayMs = Math.max(delayMs, cooldown.remainingMs(endpoint));
          const fits = attempt < policy.maxAttempts && delayMs + MIN_ATTEMPT_MS < deadline.remaining();
          if (!fits || !budget.spend()) throw rateLimited(what, retryAfter ?? Math.ceil(delayMs / 1000));
        } else if (!isRetryableStatus(response.statusCode) || attempt >= policy.maxAttempts) return response;
        retryReason = `HTTP ${response.statusCode}`;
      } catch (error) {
        if (error instanceof EnrichmentError || !isRetryableNetworkError(error) || attempt >= policy.maxAttempts) throw error;
        retryReason = String((error as { code: string }).code);
      }
      logger.warn('upstream_retry', { request: what, attempt, reason: retryReason, delayMs });
      await deadline.sleep(delayMs, what);
    }
  }
}

function rateLimited(what: string, retryAfter: number | null): EnrichmentError {
  const seconds = Math.max(1, retryAfter ?? DEFAULT_RETRY_AFTER_S);
  return new EnrichmentError('rate_limited', `Twilio is rate-limiting this account (HTTP 429 on ${what}); try again in ${seconds} s.`, {
    twilioCode: 20429,
    twilioStatus: 429,
    retryAfterSeconds: seconds,
  });
}

function headerOf(headers: unknown, name: string): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : (headers as Record<string, unknown>)[key];
}

function currentScope(): CallScope {
  const scope = callScope.getStore();
  if (!scope) throw new EnrichmentError('internal_error', 'A Twilio request was sent outside any invocation.');
  return scope;
}
