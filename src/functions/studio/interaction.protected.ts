// POST or GET /studio/interaction: protected, for Studio's HTTP Request and Run Function widgets.
import { studioCaller } from '../../core/callers/studio-caller';
import { enrichRequestedInteraction } from '../../core/handlers';

export const handler = studioCaller(enrichRequestedInteraction);
