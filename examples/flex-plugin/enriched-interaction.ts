/**
 * Calling /interaction from a Flex plugin with the logged-in agent's Flex token.
 *
 * Copy this file into your plugin (for example src/enriched-interaction.ts), set ENRICHMENT_URL to your
 * Service's domain, and call `showEnrichmentOnAccept(flex, manager)` from your plugin's `init`. The
 * Service answers your Flex UI's origin only when FLEX_ALLOWED_ORIGINS lists it (the default is
 * https://flex.twilio.com, the hosted Flex UI).
 */

/** Your Service's /interaction: `npm run deploy` prints the domain. */
const ENRICHMENT_URL = 'https://YOUR-SERVICE-1234.twil.io/interaction';

/**
 * The fields of the enriched payload this plugin reads; schema/enriched-interaction.schema.json
 * describes them all. A field without `?` is one every successful answer carries.
 */
export interface EnrichedInteraction {
  channel: { type: string | null; sid: string | null };
  customer: { name: string | null; address: string | null; phone: string | null; email: string | null };
  task: { queueName: string | null; assignmentStatus: string | null; age: number | null } | null;
  reservation: { status: string | null; workerSid: string | null } | null;
  conversation: { sid: string | null; direction: 'inbound' | 'outbound' | null };
  channels?: Array<{
    type: string | null;
    status: string | null;
    participants?: Array<{ sid: string | null; type: string | null; workerSid: string | null; taskSid: string | null }> | null;
    invites?: Array<{ taskSid: string | null; queueName: string | null; assignmentStatus: string | null }> | null;
  }> | null;
  transfer?: { type: string | null; status: string | null; to: string | null } | null;
  meta: { requestId: string; upstreamCalls: number; warnings: Array<{ code: string; message: string }> };
}

/** What every endpoint answers when it fails: a stable code, a message, the HTTP status. */
export interface EnrichmentErrorBody {
  error: { code: string; message: string; status: number };
  requestId: string;
}

/** The parts of Flex's Manager this file reads: pass the `manager` your plugin's `init` receives. */
export interface FlexManagerLike {
  store: { getState(): { flex: { session: { ssoTokenPayload?: { token?: string } } } } };
  user?: { token?: string };
}

/** The parts of the Flex API this file uses: pass the `flex` your plugin's `init` receives. */
export interface FlexLike {
  Actions: {
    addListener(event: 'afterAcceptTask', listener: (payload: { task: { attributes: Record<string, unknown> } }) => void): void;
  };
}

export class EnrichmentFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnrichmentFailed';
  }
}

/** The agent's Flex token: Flex keeps it fresh in the session. */
function flexToken(manager: FlexManagerLike): string {
  const token = manager.store.getState().flex.session.ssoTokenPayload?.token ?? manager.user?.token;
  if (!token) throw new EnrichmentFailed(401, 'missing_token', 'No Flex token: is the agent logged in?');
  return token;
}

/**
 * POSTs the token and the Interaction SID; `include` asks for more than the interaction (each part costs upstream
 * calls), and a transfer's SID (UX...) adds that transfer as `transfer`.
 */
export async function fetchEnrichedInteraction(
  manager: FlexManagerLike,
  interactionSid: string,
  include = 'participants,invites',
  transferSid?: string,
): Promise<EnrichedInteraction> {
  const transfer = transferSid ? { TransferSid: transferSid } : {};
  const response = await fetch(ENRICHMENT_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Token: flexToken(manager), InteractionSid: interactionSid, include, ...transfer }),
  });
  const body = (await response.json()) as EnrichedInteraction | EnrichmentErrorBody;
  if ('error' in body) throw new EnrichmentFailed(body.error.status, body.error.code, `${body.error.message} (request ${body.requestId})`);
  return body;
}

/** A one-line summary for the agent, from the enriched payload. */
export function describeForAgent(enriched: EnrichedInteraction): string {
  const who = enriched.customer.name ?? enriched.customer.address ?? 'Unknown customer';
  const where = enriched.task?.queueName ? ` via ${enriched.task.queueName}` : '';
  const others = (enriched.channels ?? []).filter((channel) => channel.status === 'active').length - 1;
  const more = others > 0 ? `, ${others} more active channel(s)` : '';
  return `${who} on ${enriched.channel.type ?? 'an unknown channel'}${where}${more}`;
}

/**
 * A badge for the task card while the interaction is being handed over: a transfer under way, else the queues
 * where an invite's task still waits for an agent; null when there is none.
 */
export function handoverBadge(enriched: EnrichedInteraction): string | null {
  const { transfer } = enriched;
  if (transfer?.status === 'active') return `Transfer in progress (${transfer.type ?? 'type unknown'})`;
  const waiting = (enriched.channels ?? [])
    .flatMap((channel) => channel.invites ?? [])
    .filter((invite) => invite.assignmentStatus === 'pending' || invite.assignmentStatus === 'reserved');
  return waiting.length > 0 ? `Waiting in ${waiting.map((invite) => invite.queueName ?? 'a queue').join(', ')}` : null;
}

/** When an agent accepts a task of a Flex interaction, log the enrichment (replace console.info with your UI). */
export function showEnrichmentOnAccept(flex: FlexLike, manager: FlexManagerLike): void {
  flex.Actions.addListener('afterAcceptTask', (payload) => {
    const interactionSid = payload.task.attributes.flexInteractionSid;
    if (typeof interactionSid !== 'string') return;
    fetchEnrichedInteraction(manager, interactionSid).then(
      (enriched) => {
        console.info(describeForAgent(enriched));
        const badge = handoverBadge(enriched);
        if (badge) console.info(badge);
        if (enriched.meta.warnings.length > 0) console.warn('enrichment warnings', enriched.meta.warnings);
      },
      (error: unknown) => console.warn('enrichment failed', error),
    );
  });
}
