// POST or GET /studio/interaction: protected, for Studio's HTTP Request and Run Function widgets.
import { studioCaller } from '../../core/callers/studio-caller';
import { enrichRequestedInteraction } from '../../core/handlers';

export const handler = studioCaller(enrichRequestedInteraction);
// For the bench and tests: forget what this container keeps, as a new container would.
export { resetWarmContainer } from '../../core/warm-container';
