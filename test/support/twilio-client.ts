import { redirectedTwilioClient } from '../../harness';

/**
 * The real twilio helper, sent to `baseUrl` by the project's redirecting
 * http client: what TWILIO_API_BASE_URL does for the functions. One attempt
 * by default, so a test sees every answer as the emulator gave it.
 */
export function redirectedClient(
  baseUrl: string,
  credentials: { username: string; password: string; accountSid?: string },
  options: { deadlineMs?: number; maxAttempts?: number } = {},
) {
  return redirectedTwilioClient({
    ...credentials,
    baseUrl,
    policy: { maxAttempts: options.maxAttempts ?? 1, retryBaseMs: 10, retryMaxDelayMs: 50 },
    deadlineMs: options.deadlineMs ?? 20_000,
  });
}
