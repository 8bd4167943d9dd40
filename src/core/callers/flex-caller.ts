import type { Config } from '../config';
import { authorizeFlexToken } from '../flex-auth';
import { headerValue, readFlexToken, type RequestHeaders } from '../request-input';
import type { Work } from '../work';
import { invocationHandler } from './invocation';

/**
 * For Flex plugins (public endpoint). After the input is validated, the Flex
 * token is checked with Twilio IAM before anything is fetched; errors inside
 * the work keep their own status, so a failed fetch is never reported as an
 * auth error. Answers carry CORS headers for the allowed origins; preflight
 * OPTIONS requests are answered by the Functions runtime and never get here.
 */
export function flexCaller<T>(work: Work<T>) {
  return invocationHandler('flex', work, {
    authorize: async (invocation) => {
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

export function corsHeaders(requestHeaders: RequestHeaders, config: Config | undefined): Record<string, string> {
  const origin = headerValue(requestHeaders, 'origin');
  const allowed = config?.allowedOrigins ?? [];
  if (!origin || !(allowed.includes(origin) || allowed.includes('*'))) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'X-Request-Id',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}
