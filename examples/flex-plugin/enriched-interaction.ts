/**
 * A Flex plugin showing the enrichment of each task an agent accepts, through the Flex client package
 * (clients/flex: install it as its README says).
 *
 * Copy this file into your plugin (for example src/enriched-interaction.ts), set ENRICHMENT_URL to your Service's
 * domain, and call `showEnrichmentOnAccept(flex, manager)` from your plugin's `init`. The Service answers your Flex
 * UI's origin only when FLEX_ALLOWED_ORIGINS lists it (the default is https://flex.twilio.com, the hosted Flex UI).
 */
import { createEnrichmentClient, type EnrichedInteraction, type TaskLike } from '@flex-interaction-enrichment/flex-client';

/** Your Service's domain: `npm run deploy` prints it. */
const ENRICHMENT_URL = 'https://YOUR-SERVICE-1234.twil.io';

/** The parts of Flex's Manager this file reads: pass the `manager` your plugin's `init` receives. */
export interface FlexManagerLike {
  store: { getState(): { flex: { session: { ssoTokenPayload?: { token?: string } } } } };
  user?: { token?: string };
}

/** The parts of the Flex API this file uses: pass the `flex` your plugin's `init` receives. */
export interface FlexLike {
  Actions: { addListener(event: 'afterAcceptTask', listener: (payload: { task: TaskLike }) => unknown): void };
}

/**
 * When an agent accepts a task, `render` (console.info here: put your component's setter in its place) gets who and
 * where from the summary the webhook wrote into the task (no request while it is fresh), then a handover badge from
 * the interaction with its invites. Components that ask for the same interaction share one request.
 */
export function showEnrichmentOnAccept(flex: FlexLike, manager: FlexManagerLike, render: (line: string) => void = console.info): void {
  const enrichment = createEnrichmentClient({
    baseUrl: ENRICHMENT_URL,
    // Flex renews the token in the session; the client asks for it before each request.
    getToken: () => manager.store.getState().flex.session.ssoTokenPayload?.token ?? manager.user?.token,
  });
  flex.Actions.addListener('afterAcceptTask', async ({ task }) => {
    try {
      const { summary } = await enrichment.getTaskSummary(task);
      render(
        `${summary.customer.name ?? summary.customer.address ?? 'Unknown customer'} on ${summary.channel.type ?? 'an unknown channel'}`,
      );
      const badge = handoverBadge(await enrichment.getInteraction(summary.interactionSid, { include: ['invites'] }));
      if (badge) render(badge);
    } catch (error) {
      console.warn('enrichment failed', error);
    }
  });
}

/**
 * A badge for the task card while the interaction is being handed over: a transfer under way, else the queues
 * where an invite's task still waits for an agent; null when there is none.
 */
export function handoverBadge({ transfer, channels }: EnrichedInteraction): string | null {
  if (transfer?.status === 'active') return `Transfer in progress (${transfer.type ?? 'type unknown'})`;
  const waiting = (channels ?? [])
    .flatMap((channel) => channel.invites ?? [])
    .filter((invite) => invite.assignmentStatus === 'pending' || invite.assignmentStatus === 'reserved');
  return waiting.length > 0 ? `Waiting in ${waiting.map((invite) => invite.queueName ?? 'a queue').join(', ')}` : null;
}
