// POST /interaction: public, for Flex plugins. Token (the agent's Flex token) and InteractionSid.
import { flexCaller } from '../core/callers/flex-caller';
import { enrichRequestedInteraction } from '../core/handlers';

export const handler = flexCaller(enrichRequestedInteraction);
// For the bench and tests: forget what this container keeps, as a new container would.
export { resetWarmContainer } from '../core/warm-container';
