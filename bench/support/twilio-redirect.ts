import twilio from 'twilio';
import { redirect } from '../../src/core/twilio/upstream-http-client';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

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
