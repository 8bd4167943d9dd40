import { EnrichmentError } from './errors';
import { checkApiBaseUrl } from './twilio/api-base-url';

/**
 * Every setting the functions read, with its default and what it does.
 * `npm run docs` writes the README's configuration table and .env.example from
 * this list (scripts/generate-docs.ts).
 */
export const SETTINGS = {
  TWILIO_API_BASE_URL: {
    default: '',
    envFileNote: 'Local only: `npm start` sets it to its emulator by itself. Leave it unset for a deployed Service.',
    doc: 'Local runs only: when set (e.g. http://127.0.0.1:4010), every request to https://*.twilio.com goes to this origin instead, the local emulator. Plain http only to a loopback address; never with a user name or password. `npm run deploy` refuses to upload it.',
  },
  TWILIO_API_BASE_URL_ALLOW_REMOTE: {
    default: 'false',
    doc: 'true: TWILIO_API_BASE_URL may name a host other than loopback, over https only. The account credentials go to that host.',
  },
  FLEX_ALLOWED_ORIGINS: {
    default: 'https://flex.twilio.com',
    doc: 'Comma-separated origins whose pages may call /interaction from a browser: they get CORS headers, and a request with another Origin, other than the host of the Service itself, is refused (403 origin_not_allowed) before any Twilio call; * allows every origin.',
  },
  FLEX_ALLOWED_ROLES: {
    default: '',
    doc: 'Comma-separated Flex roles; when set, a token needs one of them (e.g. supervisor,admin). Empty allows any valid token.',
  },
  REQUEST_DEADLINE_MS: {
    default: '8000',
    doc: 'Each invocation answers within this many ms (504 past it), under the 10 s Functions limit.',
  },
  UPSTREAM_ATTEMPT_TIMEOUT_MS: { default: '2500', doc: 'Timeout of one HTTP attempt to Twilio.' },
  UPSTREAM_MAX_ATTEMPTS: {
    default: '6',
    doc: 'Attempts per Twilio request (5xx and network errors are retried; 429s within the retry budget).',
  },
  UPSTREAM_RETRY_BASE_MS: { default: '100', doc: 'First backoff step; the step doubles per retry, with full jitter.' },
  UPSTREAM_RETRY_MAX_DELAY_MS: { default: '1000', doc: 'Largest backoff step.' },
  UPSTREAM_RETRY_BUDGET_PERCENT: {
    default: '10',
    doc: 'Retries of 429s a container may spend, as a percentage of the requests it sends (plus the reserve below); past it a 429 is answered at once as 429 rate_limited.',
  },
  UPSTREAM_RETRY_BUDGET_RESERVE_PER_S: {
    default: '1',
    doc: 'Retries of 429s a container earns per second whatever its traffic (at most 10 banked).',
  },
  UPSTREAM_RATE_LIMIT_HOLD_MS: {
    default: '1000',
    doc: 'After Twilio answers 429 on an endpoint, how long a container sends it nothing (Retry-After instead, when Twilio sends one); meanwhile its callers get 429 rate_limited at once. 0 turns this off.',
  },
  UPSTREAM_MAX_CONCURRENCY: {
    default: '16',
    doc: 'Twilio requests in flight per container (each function keeps its own); more wait their turn.',
  },
  FLEX_TOKEN_VALIDATION_TIMEOUT_MS: { default: '3000', doc: 'Bound on validating a Flex token with Twilio IAM, retries included.' },
  CACHE_TTL_MS: { default: '5000', doc: 'How long an enrichment is reused by the same warm container; 0 turns the cache off.' },
  CACHE_MAX_ENTRIES: { default: '500', doc: 'Enrichments kept per container at most.' },
  CACHE_MAX_BYTES: { default: '8388608', doc: 'Bytes of cached enrichments per container at most (JSON size).' },
  FLEX_TOKEN_CACHE_TTL_MS: {
    default: '300000',
    doc: 'How long a validated Flex token is trusted without asking IAM again (never past its expiration).',
  },
  SYNC_SERVICE_SID: {
    default: '',
    doc: 'A Twilio Sync Service (IS...) in which containers share what they fetched, one Sync Document per interaction; unset, nothing is shared. See docs/scale.md.',
  },
  SYNC_MAX_AGE_MS: {
    default: '10000',
    doc: 'With SYNC_SERVICE_SID: how old a shared part may be and still answer as fresh (meta.ageMs never exceeds it unless meta.stale).',
  },
  SYNC_STALE_MAX_MS: {
    default: '60000',
    doc: "With SYNC_SERVICE_SID: while Twilio rate-limits, a shared copy up to this old answers, marked meta.stale; also the Sync Documents' TTL.",
  },
  STUDIO_MAX_RESPONSE_BYTES: { default: '60000', doc: 'Size bound of a /studio/interaction answer; Studio parses at most 64 kB.' },
  LIST_LIMIT: { default: '200', doc: 'Items read per list (channels, participants) at most.' },
  WEBHOOK_WRITE_BACK: { default: 'false', doc: 'true: /webhooks/interaction merges the enrichment into the TaskRouter task attributes.' },
  WEBHOOK_WRITE_BACK_KEY: { default: 'enrichment', doc: 'Task attribute key the write-back writes under.' },
  LOG_LEVEL: { default: 'info', doc: 'debug, info, warn, error or silent.' },
} as const;

export type SettingName = keyof typeof SETTINGS;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Config {
  apiBaseUrl: string | null;
  allowedOrigins: string[];
  allowedRoles: string[];
  deadlineMs: number;
  attemptTimeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  maxConcurrency: number;
  /** Retries of 429s earned per request sent, and per second. */
  retryBudgetRatio: number;
  retryBudgetReservePerSecond: number;
  /** How long an endpoint that answered 429 is held, when Twilio sends no Retry-After. */
  rateLimitHoldMs: number;
  tokenValidationTimeoutMs: number;
  cacheTtlMs: number;
  cacheMaxEntries: number;
  cacheMaxBytes: number;
  tokenCacheTtlMs: number;
  /** Sharing across containers in Twilio Sync; null when SYNC_SERVICE_SID is unset. */
  sync: { serviceSid: string; maxAgeMs: number; staleMaxMs: number } | null;
  studioMaxBytes: number;
  listLimit: number;
  writeBack: boolean;
  writeBackKey: string;
  logLevel: LogLevel;
  /** Values that must never be logged or answered: the auth token, API secret. */
  secrets: string[];
}

type Env = Record<string, unknown>;

/** Parses the environment (a Function's `context`) into a typed Config; a bad value throws, naming it. */
export function parseConfig(env: Env): Config {
  const read = (name: SettingName) => {
    const value = env[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : SETTINGS[name].default;
  };
  const int = (name: SettingName, min: number, max: number) => {
    const raw = read(name);
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) throw invalid(name, `must be a whole number from ${min} to ${max}`);
    return value;
  };
  const list = (name: SettingName) =>
    read(name)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);

  const bool = (name: SettingName) => {
    const value = read(name).toLowerCase();
    if (!['true', 'false', '1', '0'].includes(value)) throw invalid(name, 'must be true or false');
    return value === 'true' || value === '1';
  };
  const apiBaseUrl = apiBaseUrlFrom(read('TWILIO_API_BASE_URL'), bool('TWILIO_API_BASE_URL_ALLOW_REMOTE'));
  const logLevel = read('LOG_LEVEL').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw invalid('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const writeBackKey = read('WEBHOOK_WRITE_BACK_KEY');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(writeBackKey))
    throw invalid('WEBHOOK_WRITE_BACK_KEY', 'must be an identifier of letters, digits and _');

  const deadlineMs = int('REQUEST_DEADLINE_MS', 1000, 9500);
  return {
    apiBaseUrl,
    allowedOrigins: list('FLEX_ALLOWED_ORIGINS'),
    allowedRoles: list('FLEX_ALLOWED_ROLES'),
    deadlineMs,
    // Both are also bounded by the time left before the deadline, at run time.
    attemptTimeoutMs: int('UPSTREAM_ATTEMPT_TIMEOUT_MS', 50, 9500),
    maxAttempts: int('UPSTREAM_MAX_ATTEMPTS', 1, 20),
    retryBaseMs: int('UPSTREAM_RETRY_BASE_MS', 1, 5000),
    retryMaxDelayMs: int('UPSTREAM_RETRY_MAX_DELAY_MS', 1, 9000),
    maxConcurrency: int('UPSTREAM_MAX_CONCURRENCY', 1, 1000),
    retryBudgetRatio: int('UPSTREAM_RETRY_BUDGET_PERCENT', 0, 100) / 100,
    retryBudgetReservePerSecond: int('UPSTREAM_RETRY_BUDGET_RESERVE_PER_S', 0, 100),
    rateLimitHoldMs: int('UPSTREAM_RATE_LIMIT_HOLD_MS', 0, 60_000),
    tokenValidationTimeoutMs: int('FLEX_TOKEN_VALIDATION_TIMEOUT_MS', 50, 9500),
    cacheTtlMs: int('CACHE_TTL_MS', 0, 3_600_000),
    cacheMaxEntries: int('CACHE_MAX_ENTRIES', 1, 100_000),
    cacheMaxBytes: int('CACHE_MAX_BYTES', 1024, 512 * 1024 * 1024),
    tokenCacheTtlMs: int('FLEX_TOKEN_CACHE_TTL_MS', 0, 86_400_000),
    sync: syncFrom(read('SYNC_SERVICE_SID'), int('SYNC_MAX_AGE_MS', 0, 3_600_000), int('SYNC_STALE_MAX_MS', 0, 86_400_000)),
    studioMaxBytes: int('STUDIO_MAX_RESPONSE_BYTES', 16_384, 64_000),
    listLimit: int('LIST_LIMIT', 1, 1000),
    writeBack: bool('WEBHOOK_WRITE_BACK'),
    writeBackKey,
    logLevel,
    secrets: secretsIn(env),
  };
}

/** Environment variables whose values must never be logged or answered. */
export const SECRET_VARIABLES = ['AUTH_TOKEN', 'API_SECRET', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_SECRET'] as const;

/** The secret values set in `env`, for redaction; known even when the rest of the config is invalid. */
export function secretsIn(env: Env): string[] {
  return SECRET_VARIABLES.map((name) => env[name]).filter((value): value is string => typeof value === 'string' && value.length >= 8);
}

function syncFrom(serviceSid: string, maxAgeMs: number, staleMaxMs: number): Config['sync'] {
  if (serviceSid === '') return null;
  if (!/^IS[0-9a-f]{32}$/.test(serviceSid)) throw invalid('SYNC_SERVICE_SID', 'must be a Sync Service SID: IS and 32 hex digits');
  if (staleMaxMs < maxAgeMs) throw invalid('SYNC_STALE_MAX_MS', 'must be at least SYNC_MAX_AGE_MS');
  return { serviceSid, maxAgeMs, staleMaxMs };
}

function apiBaseUrlFrom(raw: string, allowRemote: boolean): string | null {
  if (raw === '') return null;
  const verdict = checkApiBaseUrl(raw, allowRemote);
  if (!verdict.ok) throw invalid('TWILIO_API_BASE_URL', verdict.why);
  return verdict.origin;
}

/** A setting's value is never quoted: some (a base URL with a password, a pasted token) hold secrets. */
function invalid(name: SettingName, why: string): EnrichmentError {
  return new EnrichmentError('invalid_configuration', `Environment variable ${name} ${why}.`);
}
