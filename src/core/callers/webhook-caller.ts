import type { Work } from '../work';
import { invocationHandler } from './invocation';

/**
 * For webhooks (protected endpoint): TaskRouter event callbacks and anything
 * that posts an InteractionSid. Twilio signs these requests; the Functions
 * runtime checks the signature of a protected Function before it runs.
 */
export function webhookCaller<T>(work: Work<T>) {
  return invocationHandler('webhook', work);
}
