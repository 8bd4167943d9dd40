/**
 * Twilio limits requests per account and per endpoint (20 a second for each
 * Flex Interactions endpoint) and answers 429 past it. Once an endpoint has
 * answered 429, sending it more at once only spends attempts that Twilio will
 * refuse too, and, on an account shared by many containers, takes turns from
 * the requests that would have passed. So a container that sees a 429 holds
 * that endpoint for a while (Retry-After when Twilio sends one, else a default)
 * and answers its callers `rate_limited` meanwhile, without a request.
 */
export interface RateLimitCooldownOptions {
  /** How long an endpoint is held after a 429 that names no Retry-After; 0 turns holding off. */
  defaultMs: number;
  now?: () => number;
}

/** The longest hold a Retry-After can ask for: past it, the caller's own deadline has long gone. */
export const MAX_COOLDOWN_MS = 60_000;

export class RateLimitCooldown {
  private readonly until = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitCooldownOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds before `endpoint` may be sent again; 0 when it is not held. */
  remainingMs(endpoint: string): number {
    const until = this.until.get(endpoint);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.until.delete(endpoint);
    return 0;
  }

  /** Holds `endpoint` after a 429: for Retry-After's seconds when Twilio sent them, else for the default. */
  rateLimited(endpoint: string, retryAfterSeconds: number | null): void {
    const ms = Math.min(MAX_COOLDOWN_MS, retryAfterSeconds === null ? this.options.defaultMs : retryAfterSeconds * 1000);
    if (ms <= 0) return;
    const until = this.now() + ms;
    if (until > (this.until.get(endpoint) ?? 0)) this.until.set(endpoint, until);
  }
}

const SID_SEGMENT = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

/**
 * The endpoint a request counts against, as Twilio's per-endpoint limits do:
 * method, host and path with each SID replaced by a placeholder, so that
 * fetching two interactions is one endpoint and listing their channels another.
 */
export function endpointOf(method: string, uri: string): string {
  const url = new URL(uri);
  const path = url.pathname
    .split('/')
    .map((segment) => (SID_SEGMENT.test(segment) ? '{Sid}' : segment))
    .join('/');
  return `${method.toUpperCase()} ${url.host}${path}`;
}
