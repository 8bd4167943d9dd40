/**
 * The enriched payload every endpoint answers with. schema/enriched-interaction.schema.json
 * publishes the same shape; the tests validate every payload they see against it.
 */

export interface Warning {
  code: WarningCode;
  message: string;
}

export type WarningCode =
  | 'routing_missing'
  | 'task_attributes_invalid_json'
  | 'no_conversation'
  | 'conversation_not_found'
  | 'task_not_found'
  | 'channels_unavailable'
  | 'participants_unavailable'
  | 'conversation_unavailable'
  | 'task_unavailable'
  | 'invites_unavailable'
  | 'transfer_unavailable'
  | 'transfer_not_found'
  | 'truncated'
  | 'write_back_failed';

export interface TaskSummary {
  sid: string | null;
  workspaceSid: string | null;
  workflowSid: string | null;
  workflowName: string | null;
  queueSid: string | null;
  queueName: string | null;
  taskChannelSid: string | null;
  taskChannel: string | null;
  assignmentStatus: string | null;
  priority: number | null;
  age: number | null;
  ageInQueue: number | null;
  timeout: number | null;
  routingTarget: string | null;
  reason: string | null;
  dateCreated: string | null;
  dateUpdated: string | null;
  queueEnteredAt: string | null;
  /** The task attributes parsed from their JSON string; null when they are not valid JSON. */
  attributes: Record<string, unknown> | null;
  /** Only when the attributes are not valid JSON: the string as TaskRouter holds it. */
  attributesRaw?: string;
}

export interface Customer {
  name: string | null;
  address: string | null;
  from: string | null;
  phone: string | null;
  email: string | null;
}

export interface ConversationParticipant {
  sid: string | null;
  identity: string | null;
  address: string | null;
  proxyAddress: string | null;
  bindingType: string | null;
  attributes: unknown;
  dateCreated: string | null;
}

export interface ConversationDetails {
  sid: string;
  friendlyName: string | null;
  uniqueName: string | null;
  state: string | null;
  chatServiceSid: string | null;
  messagingServiceSid: string | null;
  attributes: unknown;
  dateCreated: string | null;
  dateUpdated: string | null;
}

export interface Conversation {
  sid: string | null;
  direction: 'inbound' | 'outbound' | null;
  initiatedBy: string | null;
  /** With include=conversation: the Conversation resource, or null when it is gone or failed. */
  details?: ConversationDetails | null;
  /** With include=conversation: its participants, or null when they could not be read. */
  participants?: ConversationParticipant[] | null;
}

export interface ChannelParticipant {
  sid: string | null;
  type: string | null;
  /** The channel the participant is on. */
  channelSid: string | null;
  /** From `routing_properties`, when they name them: the worker and the task behind an agent. */
  workerSid: string | null;
  taskSid: string | null;
  routingProperties: unknown;
}

/** A pending invite on a channel: the task it created and where that task is routed. */
export interface ChannelInvite {
  sid: string | null;
  taskSid: string | null;
  queueSid: string | null;
  queueName: string | null;
  workflowSid: string | null;
  workflowName: string | null;
  assignmentStatus: string | null;
}

/** The interaction's `routing.reservation`: the reservation of its task, when Twilio gives one. */
export interface Reservation {
  sid: string | null;
  status: string | null;
  workerSid: string | null;
}

/** A transfer of the interaction, asked for with TransferSid. */
export interface Transfer {
  sid: string;
  channelSid: string | null;
  type: string | null;
  status: string | null;
  /** The participant who started the transfer (UT...). */
  fromParticipantSid: string | null;
  /** Whom it goes to, as Twilio gives it: the receiving participant, or a queue, workflow or address. */
  to: string | null;
  noteSid: string | null;
  summarySid: string | null;
  dateCreated: string | null;
  dateUpdated: string | null;
}

export interface ChannelSummary {
  sid: string | null;
  type: string | null;
  status: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  /** With include=participants; null when they could not be read. */
  participants?: ChannelParticipant[] | null;
  /** With include=invites; null when they could not be read. */
  invites?: ChannelInvite[] | null;
}

export interface LiveTask {
  sid: string;
  assignmentStatus: string | null;
  age: number | null;
  priority: number | null;
  reason: string | null;
  queueSid: string | null;
  queueName: string | null;
  workflowSid: string | null;
  workflowName: string | null;
  taskChannel: string | null;
  dateCreated: string | null;
  dateUpdated: string | null;
  attributes: Record<string, unknown> | null;
}

/**
 * The version of this shape, in every answer's `meta.schemaVersion` and the schema's `const`. It changes only when a
 * caller written for the previous shape could break; test/unit/schema-version.test.ts asks for that decision
 * whenever the schema's structure changes.
 */
export const SCHEMA_VERSION = 2;

export interface Meta {
  schemaVersion: typeof SCHEMA_VERSION;
  requestId: string;
  fetchedAt: string;
  durationMs: number;
  upstreamCalls: number;
  include: string[];
  cache: 'miss' | 'hit' | 'coalesced' | 'bypass';
  /** Where the data came from: `twilio` (fetched for this answer or this container) or `shared` (the Sync copy, in part). */
  source: 'twilio' | 'shared';
  /** Milliseconds since the oldest part of the answer was fetched from Twilio (`fetchedAt`). */
  ageMs: number;
  /** True for a shared copy past SYNC_MAX_AGE_MS, answered because Twilio was rate-limiting. */
  stale: boolean;
  partial: boolean;
  warnings: Warning[];
  /** Set by /studio/interaction when lists were cut to fit Studio's 64 kB: original lengths. */
  truncated?: Record<string, number>;
}

/** /webhooks/interaction with WEBHOOK_WRITE_BACK=true: what happened to the task attributes. */
export interface WriteBack {
  outcome:
    'written' | 'unchanged' | 'task_not_found' | 'attributes_not_json' | 'task_without_interaction' | 'other_interaction' | 'gave_up';
  key: string;
  taskSid: string;
  rounds: number;
}

export interface EnrichedInteraction {
  interaction: {
    sid: string;
    url: string | null;
    links: Record<string, string> | null;
    channel: Record<string, unknown> | null;
    routing: Record<string, unknown> | null;
    interactionContextSid: string | null;
    webhookTtid: string | null;
  };
  channel: { sid: string | null; type: string | null };
  task: TaskSummary | null;
  reservation: Reservation | null;
  customer: Customer;
  conversation: Conversation;
  channels?: ChannelSummary[] | null;
  liveTask?: LiveTask | null;
  /** With TransferSid: the transfer, or null when it could not be read or is not this interaction's. */
  transfer?: Transfer | null;
  writeBack?: WriteBack | null;
  meta: Meta;
}

/** The payload before the per-request parts of `meta` are added. */
export type EnrichmentBody = Omit<EnrichedInteraction, 'meta'>;

/** One enrichment as fetched from Twilio, kept by the warm container and shared by every caller that reuses it. */
export interface EnrichmentResult {
  body: EnrichmentBody;
  warnings: Warning[];
  partial: boolean;
  /** When the oldest part of it was fetched from Twilio. */
  fetchedAt: string;
  /** `twilio`: every part fetched for it; `shared`: some from the copy shared across containers (Sync). */
  source: 'twilio' | 'shared';
  /** A shared copy older than SYNC_MAX_AGE_MS, answered because Twilio was rate-limiting. */
  stale: boolean;
}
