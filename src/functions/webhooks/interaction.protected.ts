// POST /webhooks/interaction: protected, for TaskRouter event callbacks and other Twilio webhooks.
import { webhookCaller } from '../../core/callers/webhook-caller';
import { enrichFromWebhook } from '../../core/handlers';

export const handler = webhookCaller(enrichFromWebhook);
// For the bench and tests: forget what this container keeps, as a new container would.
export { resetWarmContainer } from '../../core/warm-container';
