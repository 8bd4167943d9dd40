import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { ConcurrencyLimit } from './concurrency-limit';
import type { Config } from './config';
import type { Deadline } from './deadline';
import { EnrichmentError } from './errors';
import type { FlexTokenClaims, TwilioGateway } from './twilio/twilio-gateway';
import { WarmCache } from './warm-cache';

/**
 * Flex token checks for /interaction: the token is validated with Twilio IAM
 * before anything else is fetched, within its own timeout. A token that
 * cannot be a JWT is refused without asking IAM. Valid tokens are remembered
 * until the earlier of their expiration and FLEX_TOKEN_CACHE_TTL_MS, refused
 * ones for REFUSED_TOKEN_TTL_MS, both by a hash (never the token); concurrent
 * checks of one token share one IAM call. IAM calls have slots of their own,
 * so a flood of bad tokens can never take the data calls' slots.
 */

/** IAM calls in flight per container. Newest first: a caller who comes after a flood waits for one IAM call to end, not for the flood. */
const VALIDATIONS_IN_FLIGHT = 4;
/** A refused token never becomes valid; short, so that a refusal IAM might take back costs little. */
const REFUSED_TOKEN_TTL_MS = 60_000;
const REFUSED_TOKEN_MAX_ENTRIES = 10_000;

type TokenCheck = { valid: true; claims: FlexTokenClaims } | { valid: false; reason: string };

/** What a warm container keeps of Flex tokens: every entry is keyed by tokenFingerprint, never by the token. */
export class FlexTokenMemory {
  /** Valid tokens' claims, and the validations in flight. */
  private readonly checks: WarmCache<TokenCheck>;
  /** Apart from the valid tokens, so that a flood of refusals cannot evict them. */
  private readonly refusals = new LRUCache<string, { reason: string }>({ max: REFUSED_TOKEN_MAX_ENTRIES, ttl: REFUSED_TOKEN_TTL_MS });
  readonly validations = new ConcurrencyLimit(VALIDATIONS_IN_FLIGHT, 'newest-first');

  constructor(validTtlMs: number) {
    this.checks = new WarmCache<TokenCheck>({
      ttlMs: validTtlMs,
      // Bounded by entries: a token's claims are a few hundred bytes.
      maxEntries: 10_000,
      maxBytes: 10_000,
      sizeOf: () => 1,
    });
  }

  /** IAM's verdict on the token with this fingerprint, asked by `validate` unless remembered or already being asked. */
  async check(fingerprint: string, validate: () => Promise<{ check: TokenCheck; ttlMs: number }>): Promise<TokenCheck> {
    const refusal = this.refusals.get(fingerprint);
    if (refusal) return { valid: false, reason: refusal.reason };
    const { value } = await this.checks.get(fingerprint, async () => {
      const { check, ttlMs } = await validate();
      if (!check.valid) this.refusals.set(fingerprint, { reason: check.reason });
      return { value: check, keep: check.valid && ttlMs > 0, ttlMs };
    });
    return value;
  }

  /** Every key held, in flight included (tests check that they are fingerprints). */
  keys(): string[] {
    return [...this.checks.keys(), ...this.refusals.keys()];
  }
}

let containerTokens: { config: Config; memory: FlexTokenMemory } | undefined;

/** The memory of this container, rebuilt when the config changes. */
export function flexTokenMemory(config: Config): FlexTokenMemory {
  if (containerTokens?.config !== config) containerTokens = { config, memory: new FlexTokenMemory(config.tokenCacheTtlMs) };
  return containerTokens.memory;
}

export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const BASE64URL_PART = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Whether a token can be a Flex token at all. Flex tokens are JWTs (JWEs, in
 * Twilio's docs) in compact serialization: base64url parts joined by dots,
 * three for a JWS and five for a JWE, the first a JSON object header that
 * names its `alg` (RFC 7515 and 7516, section 7.1 of each). Nothing more is
 * checked: the rest is IAM's to judge, and refusing a token IAM would accept
 * would lock a user out.
 */
export function hasJwtShape(token: string): boolean {
  const parts = token.split('.');
  if ((parts.length !== 3 && parts.length !== 5) || !parts.every((part) => BASE64URL_PART.test(part))) return false;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
}

export async function authorizeFlexToken(options: {
  token: string | undefined;
  gateway: () => Pick<TwilioGateway, 'withDeadline' | 'validateFlexToken'>;
  config: Config;
  deadline: Deadline;
  now?: () => number;
  /** The container's by default. */
  memory?: FlexTokenMemory;
}): Promise<FlexTokenClaims> {
  const { token, config } = options;
  const now = options.now ?? Date.now;
  if (!token) throw new EnrichmentError('missing_token', 'Send the Flex token of the signed-in user as Token.', { parameter: 'Token' });
  if (!hasJwtShape(token))
    throw new EnrichmentError('invalid_token', 'The Flex token was refused: it is not a JWT.', { parameter: 'Token' });

  const timeLimit = options.deadline.within(config.tokenValidationTimeoutMs);
  const memory = options.memory ?? flexTokenMemory(config);
  const check = await memory.check(tokenFingerprint(token), async () => {
    const gateway = options.gateway();
    const verdict = await gateway
      .withDeadline(timeLimit, () => gateway.validateFlexToken(token), { limit: memory.validations })
      .catch((error: unknown) => {
        if (error instanceof EnrichmentError && error.code === 'deadline_exceeded')
          throw new EnrichmentError('upstream_timeout', 'Twilio IAM did not validate the Flex token in time.');
        throw error;
      });
    const expiresIn = verdict.valid && verdict.claims.expiresAt !== null ? verdict.claims.expiresAt - now() : config.tokenCacheTtlMs;
    return { check: verdict, ttlMs: Math.max(0, Math.min(config.tokenCacheTtlMs, expiresIn)) };
  });

  if (!check.valid) throw new EnrichmentError('invalid_token', `The Flex token was refused: ${check.reason}`, { parameter: 'Token' });
  if (check.claims.expiresAt !== null && check.claims.expiresAt <= now())
    throw new EnrichmentError('invalid_token', 'The Flex token has expired.', { parameter: 'Token' });
  if (config.allowedRoles.length > 0 && !check.claims.roles.some((role) => config.allowedRoles.includes(role)))
    throw new EnrichmentError('forbidden', `This endpoint needs one of the Flex roles: ${config.allowedRoles.join(', ')}.`);
  return check.claims;
}
