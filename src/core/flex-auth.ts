import { createHash } from 'node:crypto';
import type { Config } from './config';
import type { Deadline } from './deadline';
import { EnrichmentError } from './errors';
import type { FlexTokenClaims, TwilioGateway } from './twilio/twilio-gateway';
import { WarmCache } from './warm-cache';

/**
 * Flex token checks for /interaction: the token is validated with Twilio IAM
 * before anything else is fetched, within its own timeout. Valid tokens are
 * remembered by a hash (never the token) until the earlier of their
 * expiration and FLEX_TOKEN_CACHE_TTL_MS, and concurrent checks of one token
 * share one IAM call.
 */

let containerTokens: { config: Config; cache: WarmCache<TokenCheck> } | undefined;

type TokenCheck = { valid: true; claims: FlexTokenClaims } | { valid: false; reason: string };

function tokenCache(config: Config): WarmCache<TokenCheck> {
  if (containerTokens?.config !== config)
    containerTokens = {
      config,
      cache: new WarmCache<TokenCheck>({
        ttlMs: config.tokenCacheTtlMs,
        // Bounded by entries: a token's claims are a few hundred bytes.
        maxEntries: 10_000,
        maxBytes: 10_000,
        sizeOf: () => 1,
      }),
    };
  return containerTokens.cache;
}

export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function authorizeFlexToken(options: {
  token: string | undefined;
  gateway: () => TwilioGateway;
  config: Config;
  deadline: Deadline;
  now?: () => number;
}): Promise<FlexTokenClaims> {
  const { token, config } = options;
  const now = options.now ?? Date.now;
  if (!token) throw new EnrichmentError('missing_token', 'Send the Flex token of the signed-in user as Token.', { parameter: 'Token' });
  const gateway = options.gateway();

  const timeLimit = options.deadline.within(config.tokenValidationTimeoutMs);
  const { value: check } = await tokenCache(config).get(tokenFingerprint(token), async () => {
    const value = await gateway
      .withDeadline(timeLimit, () => gateway.validateFlexToken(token))
      .catch((error: unknown) => {
        if (error instanceof EnrichmentError && error.code === 'deadline_exceeded')
          throw new EnrichmentError('upstream_timeout', 'Twilio IAM did not validate the Flex token in time.');
        throw error;
      });
    const expiresIn = value.valid && value.claims.expiresAt !== null ? value.claims.expiresAt - now() : config.tokenCacheTtlMs;
    return {
      value,
      keep: value.valid && expiresIn > 0,
      ttlMs: Math.max(0, Math.min(config.tokenCacheTtlMs, expiresIn)),
    };
  });

  if (!check.valid) throw new EnrichmentError('invalid_token', `The Flex token was refused: ${check.reason}`, { parameter: 'Token' });
  if (check.claims.expiresAt !== null && check.claims.expiresAt <= now())
    throw new EnrichmentError('invalid_token', 'The Flex token has expired.', { parameter: 'Token' });
  if (config.allowedRoles.length > 0 && !check.claims.roles.some((role) => config.allowedRoles.includes(role)))
    throw new EnrichmentError('forbidden', `This endpoint needs one of the Flex roles: ${config.allowedRoles.join(', ')}.`);
  return check.claims;
}
