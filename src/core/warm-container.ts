import type { Context } from '@twilio-labs/serverless-runtime-types/types';
import type { RequestClient, Twilio } from 'twilio';
import { ConcurrencyLimit } from './concurrency-limit';
import { parseConfig, SECRET_VARIABLES, SETTINGS, type Config } from './config';
import { EnrichmentError } from './errors';
import { FlexTokenMemory } from './flex-token-memory';
import { onFirstUse } from './on-first-use';
import { RateLimitCooldown } from './rate-limit-cooldown';
import { RetryBudget } from './retry-budget';
import type { Logger } from './logger';
import type { EnrichmentResult } from './payload';
import { UpstreamHttpClient } from './twilio/upstream-http-client';
import { WarmCache } from './warm-cache';

/**
 * Everything that outlives one invocation, owned here and nowhere else: the
 * parsed configuration, the helper's connection pool, the concurrency limit,
 * the http client, one Twilio client, the enrichment cache and the Flex token
 * cache. Built by the first invocation and rebuilt whole, with one rule, when
 * the configuration it was built from changes (a setting, a secret or the
 * account); `resetWarmContainer` forgets it, as a new container would.
 *
 * It sits low in the house: it knows the config, the transport and the cache
 * primitives, never the modules that use it.
 */
export interface WarmContainer {
  readonly config: Config;
  readonly http: UpstreamHttpClient;
  readonly enrichments: WarmCache<EnrichmentResult>;
  /** Flex token verdicts by the token's hash, never the token, and the IAM calls' own slots. */
  readonly tokens: FlexTokenMemory;
  /** The container's one Twilio client, built on first use from the runtime's getTwilioClient(). */
  twilioClient(context: Context, logger: Logger): Twilio;
}

type Env = Record<string, unknown>;
type ClientOptions = { httpClient: unknown; autoRetry: false; lazyLoading: true };
type TwilioConstructor = ((accountSid: string, authToken: string, options: ClientOptions) => Twilio) & {
  RequestClient: typeof RequestClient;
};

/** What the container is built from: a change in any of these builds a new one. */
const BUILT_FROM = [...Object.keys(SETTINGS), ...SECRET_VARIABLES, 'ACCOUNT_SID'];

// Loaded on the first invocation, not at require time: twilio costs far more to load than the bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const twilioModule = onFirstUse(() => require('twilio') as TwilioConstructor);

let current: { values: unknown[]; container: WarmContainer } | undefined;

/** This container's state for `env` (a Function's context): the one built before, unless the configuration changed. */
export function warmContainer(env: Env): WarmContainer {
  if (current && BUILT_FROM.every((name, i) => env[name] === current!.values[i])) return current.container;
  const container = buildContainer(parseConfig(env));
  current = { values: BUILT_FROM.map((name) => env[name]), container };
  return container;
}

/** Forgets everything a warm container keeps: the next invocation starts as in a new container. */
export function resetWarmContainer(): void {
  current = undefined;
}

function buildContainer(config: Config): WarmContainer {
  const twilio = twilioModule();
  const http = new UpstreamHttpClient(new twilio.RequestClient({ keepAlive: true, autoRetry: false }), {
    baseUrl: config.apiBaseUrl,
    policy: config,
    limit: new ConcurrencyLimit(config.maxConcurrency),
    budget: new RetryBudget({ ratio: config.retryBudgetRatio, reservePerSecond: config.retryBudgetReservePerSecond }),
    cooldown: new RateLimitCooldown({ defaultMs: config.rateLimitHoldMs }),
  });
  let client: Twilio | undefined;
  return {
    config,
    http,
    enrichments: new WarmCache<EnrichmentResult>({
      ttlMs: config.cacheTtlMs,
      maxEntries: config.cacheMaxEntries,
      maxBytes: config.cacheMaxBytes,
      sizeOf: (result) => Buffer.byteLength(JSON.stringify(result.body)),
    }),
    tokens: new FlexTokenMemory(config.tokenCacheTtlMs),
    twilioClient: (context, logger) => (client ??= clientFor(context, http, twilio, logger)),
  };
}

/**
 * `context.getTwilioClient()` is the runtime's own code once deployed, and
 * nothing here can show that it hands `httpClient` on (retries, the deadline,
 * the limit and the emulator switch all live there); so the client it builds
 * is checked, and if it dropped the http client, the container builds its
 * own from the project's twilio with the same credentials, and says so.
 */
function clientFor(context: Context, http: UpstreamHttpClient, twilio: TwilioConstructor, logger: Logger): Twilio {
  const options: ClientOptions = { httpClient: http, autoRetry: false, lazyLoading: true };
  let client: Twilio;
  try {
    // The runtime's types describe another twilio version's client; the one it builds is ours.
    client = (context.getTwilioClient as unknown as (options: ClientOptions) => Twilio)(options);
  } catch {
    throw clientFailure();
  }
  if ((client as { httpClient?: unknown }).httpClient === http) return client;
  logger.warn('twilio_client_rebuilt', {
    reason: "context.getTwilioClient() did not use the project's http client; this container builds its own Twilio client",
  });
  const { ACCOUNT_SID: accountSid, AUTH_TOKEN: authToken } = context as unknown as Env;
  if (typeof accountSid !== 'string' || typeof authToken !== 'string' || authToken === '') throw clientFailure();
  try {
    return twilio(accountSid, authToken, options);
  } catch {
    throw clientFailure();
  }
}

function clientFailure(): EnrichmentError {
  return new EnrichmentError('invalid_configuration', 'The Twilio client could not be created: check ACCOUNT_SID and AUTH_TOKEN.');
}
