import type { Config } from '../config';
import { EnrichmentError } from '../errors';
import { authorizeFlexToken } from '../flex-auth';
import { headerValue, readFlexToken, type RequestHeaders } from '../request-input';
import type { Work } from '../work';
import { invocationHandler } from './invocation';

/**
 * For Flex plugins (public endpoint). After the input is validated, a browser
 * on a foreign origin is refused, then the Flex token is checked with Twilio
 * IAM before anything is fetched; errors inside the work keep their own
 * status, so a failed fetch is never reported as an auth error. Answers carry
 * CORS headers for the allowed origins; preflight OPTIONS requests are
 * answered by the Functions runtime and never get here.
 */
export function flexCaller<T>(work: Work<T>) {
  return invocationHandler('flex', work, {
    authorize: async (invocation) => {
      refuseForeignOrigin(invocation.headers, invocation.config);
      const token = readFlexToken(invocation.event, invocation.headers);
      if (token) invocation.logger.addSecret(token);
      const claims = await authorizeFlexToken({
        token,
        gateway: invocation.gateway,
        memory: invocation.container.tokens,
        config: invocation.config,
        deadline: invocation.deadline,
      });
      // The worker SID, never the identity: identities are often e-mail addresses.
      invocation.logger.appendKeys({ worker: claims.workerSid });
    },
    headers: corsHeaders,
  });
}

/** The Origin a browser sent, if any, and whether FLEX_ALLOWED_ORIGINS lists it ('*' lists every origin). */
function browserOrigin(headers: RequestHeaders, config: Config | undefined): { origin: string | undefined; listed: boolean } {
  const origin = headerValue(headers, 'origin') || undefined;
  const allowed = config?.allowedOrigins ?? [];
  return { origin, listed: origin !== undefined && (allowed.includes(origin) || allowed.includes('*')) };
}

/**
 * A browser on a page of an origin FLEX_ALLOWED_ORIGINS does not list is refused before any Twilio call: its
 * answer would carry no CORS grant, so only the browser would hide it, after the IAM validation and the fetch were
 * spent. A request without an Origin (a server, curl) is no browser's, and a page the Service serves itself (its
 * Origin names the request's own Host, as npm start's console does) is not cross-origin: both go on.
 */
function refuseForeignOrigin(headers: RequestHeaders, config: Config): void {
  const { origin, listed } = browserOrigin(headers, config);
  if (origin === undefined || listed || isOwnOrigin(origin, headerValue(headers, 'host'))) return;
  throw new EnrichmentError(
    'origin_not_allowed',
    `A page on ${origin} may not call /interaction: FLEX_ALLOWED_ORIGINS lists the origins of the Flex UIs that may.`,
  );
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // `null` (a sandboxed page, a file) or no URL at all
  }
}

export function corsHeaders(requestHeaders: RequestHeaders, config: Config | undefined): Record<string, string> {
  const { origin, listed } = browserOrigin(requestHeaders, config);
  if (!origin || !listed) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'X-Request-Id, Retry-After',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}
