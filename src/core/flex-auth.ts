import type { Config } from './config';
import type * as NodeCrypto from 'node:crypto';
import type { Deadline } from './deadline';
import { EnrichmentError } from './errors';
import type { FlexTokenMemory } from './flex-token-memory';
import { onFirstUse } from './on-first-use';
import type { FlexTokenClaims, TwilioGateway } from './twilio/twilio-gateway';

/**
 * Flex token checks for /interaction: the token is validated with Twilio IAM
 * before anything else is fetched, within its own timeout. A token that
 * cannot be a JWT is refused without asking IAM. Valid tokens are remembered
 * until the earlier of their expiration and FLEX_TOKEN_CACHE_TTL_MS, refused
 * ones for a minute, both by a hash, never the token (flex-token-memory.ts); concurrent
 * checks of one token share one IAM call. IAM calls have slots of their own,
 * so a flood of bad tokens can never take the data calls' slots.
 */

// Only /interaction needs it, and not at require time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto = onFirstUse(() => require('node:crypto') as typeof NodeCrypto);

export function tokenFingerprint(token: string): string {
  return nodeCrypto().createHash('sha256').update(token).digest('hex');
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
  /** The warm container's memory of tokens. */
  memory: FlexTokenMemory;
}): Promise<FlexTokenClaims> {
  const { token, config } = options;
  const now = options.now ?? Date.now;
  if (!token) throw new EnrichmentError('missing_token', 'Send the Flex token of the signed-in user as Token.', { parameter: 'Token' });
  if (!hasJwtShape(token))
    throw new EnrichmentError('invalid_token', 'The Flex token was refused: it is not a JWT.', { parameter: 'Token' });

  const timeLimit = options.deadline.within(config.tokenValidationTimeoutMs);
  const { memory } = options;
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
