import type { EnrichmentError } from './errors';
import { isoDateTime } from './iso-date';
import { isJsonObject } from './json-object';
import type {
  ChannelInvite,
  ChannelParticipant,
  ChannelSummary,
  Conversation,
  ConversationParticipant,
  Customer,
  EnrichmentBody,
  LiveTask,
  Reservation,
  TaskSummary,
  Transfer,
  Warning,
} from './payload';
import { isSid, type SidKind } from './sid';
import type {
  ChannelParticipantResource,
  ChannelResource,
  ConversationParticipantResource,
  ConversationResource,
  InteractionResource,
  InviteResource,
  TaskResource,
  TransferResource,
} from './twilio/twilio-gateway';

/**
 * Enrichment is pure: fetched resources in, payload out. `describeInteraction`
 * reads everything the interaction itself tells (and what to fetch next);
 * `addIncluded` folds in the sub-resources that were asked for, turning each
 * failure into a warning and a partial answer.
 */

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EnrichmentError };

export interface Described {
  body: EnrichmentBody;
  warnings: Warning[];
  /** Where the live task and the Conversation are, for include=task and include=conversation. */
  taskRef: { workspaceSid: string; taskSid: string } | null;
  conversationSid: string | null;
}

export interface IncludedResources {
  channels?: Outcome<
    Array<{ channel: ChannelResource; participants?: Outcome<ChannelParticipantResource[]>; invites?: Outcome<InviteResource[]> }>
  >;
  conversation?: {
    details: Outcome<ConversationResource | null>;
    participants: Outcome<ConversationParticipantResource[] | null>;
  };
  task?: Outcome<TaskResource | null>;
  transfer?: { sid: string; channelSid: string | null; outcome: Outcome<TransferResource | null> };
}

type Json = Record<string, unknown>;

export function describeInteraction(interaction: InteractionResource): Described {
  const warnings: Warning[] = [];
  const properties = asObject(asObject(interaction.routing)?.properties);
  if (!properties) warnings.push({ code: 'routing_missing', message: 'The interaction has no routing properties: no task to describe.' });

  const parsed: ParsedAttributes = properties ? parseAttributes(properties.attributes) : { attributes: null };
  if ('raw' in parsed)
    warnings.push({
      code: 'task_attributes_invalid_json',
      message: 'The task attributes are not valid JSON; they are kept as a string in task.attributesRaw.',
    });
  const attributes = parsed.attributes ?? {};
  const customers = asObject(attributes.customers) ?? {};
  const conversations = asObject(attributes.conversations) ?? {};
  const channel = asObject(interaction.channel) ?? {};

  const task: TaskSummary | null = properties
    ? {
        sid: sidOrNull('task', properties.sid),
        workspaceSid: sidOrNull('workspace', properties.workspace_sid),
        ...routedBy(properties),
        taskChannelSid: text(properties.task_channel_sid),
        taskChannel: text(properties.task_channel_unique_name),
        assignmentStatus: text(properties.assignment_status),
        priority: numberOrNull(properties.priority),
        age: numberOrNull(properties.age),
        ageInQueue: numberOrNull(properties.age_in_queue),
        timeout: numberOrNull(properties.timeout),
        routingTarget: text(properties.routing_target),
        reason: text(properties.reason),
        dateCreated: isoDate(properties.date_created),
        dateUpdated: isoDate(properties.date_updated),
        queueEnteredAt: isoDate(properties.task_queue_entered_date),
        attributes: parsed.attributes,
        ...('raw' in parsed ? { attributesRaw: parsed.raw } : {}),
      }
    : null;

  const customer: Customer = {
    name: text(attributes.customerName) ?? text(customers.name),
    address: text(attributes.customerAddress),
    from: text(attributes.from),
    phone: text(customers.phone),
    email: text(customers.email),
  };

  const conversationSid = [attributes.conversationSid, ...mediaSids(conversations.media)].find((sid) => isSid('conversation', sid)) ?? null;
  const conversation: Conversation = {
    sid: conversationSid,
    direction: direction(attributes.direction) ?? direction(conversations.direction),
    initiatedBy: lower(attributes.initiatedBy) ?? lower(conversations.initiated_by),
  };

  const taskSid = task?.sid;
  const workspaceSid = task?.workspaceSid;
  return {
    body: {
      interaction: {
        sid: interaction.sid,
        url: interaction.url,
        links: interaction.links,
        channel: interaction.channel,
        routing: interaction.routing,
        interactionContextSid: interaction.interactionContextSid,
        webhookTtid: interaction.webhookTtid,
      },
      channel: { sid: sidOrNull('channel', channel.sid), type: text(channel.type) ?? text(attributes.channelType) },
      task,
      reservation: reservation(asObject(interaction.routing)?.reservation),
      customer,
      conversation,
    },
    warnings,
    taskRef: isSid('task', taskSid) && isSid('workspace', workspaceSid) ? { taskSid, workspaceSid } : null,
    conversationSid,
  };
}

/** Adds the included sub-resources; returns whether any part failed (a partial answer). */
export function addIncluded(
  described: Described,
  included: IncludedResources,
): { body: EnrichmentBody; warnings: Warning[]; partial: boolean } {
  const body: EnrichmentBody = { ...described.body, conversation: { ...described.body.conversation } };
  const warnings = [...described.warnings];
  let partial = false;
  const failed = (code: Warning['code'], what: string, error: EnrichmentError) => {
    partial = true;
    warnings.push({ code, message: `${what} could not be read: ${error.message}` });
  };

  if (included.channels) {
    if (included.channels.ok) {
      body.channels = included.channels.value.map(({ channel, participants, invites }): ChannelSummary => {
        const summary: ChannelSummary = { ...channel };
        const which = channel.sid ? `channel ${channel.sid}` : 'a channel Twilio listed without a SID';
        if (participants) {
          if (participants.ok) summary.participants = participants.value.map((p) => channelParticipant(p, channel.sid));
          else {
            summary.participants = null;
            failed('participants_unavailable', `The participants of ${which}`, participants.error);
          }
        }
        if (invites) {
          if (invites.ok) summary.invites = invites.value.map(channelInvite);
          else {
            summary.invites = null;
            failed('invites_unavailable', `The invites of ${which}`, invites.error);
          }
        }
        return summary;
      });
    } else {
      body.channels = null;
      failed('channels_unavailable', 'The interaction channels', included.channels.error);
    }
  }

  if (included.conversation) {
    const { details, participants } = included.conversation;
    if (details.ok) {
      body.conversation.details = details.value && conversationDetails(details.value);
      if (details.value === null)
        warnings.push({ code: 'conversation_not_found', message: `Conversation ${described.conversationSid} no longer exists.` });
    } else {
      body.conversation.details = null;
      failed('conversation_unavailable', 'The Conversation', details.error);
    }
    if (participants.ok) body.conversation.participants = participants.value && participants.value.map(conversationParticipant);
    else {
      body.conversation.participants = null;
      failed('conversation_unavailable', 'The Conversation participants', participants.error);
    }
  }

  if (included.task) {
    if (included.task.ok) {
      body.liveTask = included.task.value && liveTask(included.task.value);
      if (included.task.value === null)
        warnings.push({ code: 'task_not_found', message: 'The TaskRouter task no longer exists (finished tasks are deleted).' });
    } else {
      body.liveTask = null;
      failed('task_unavailable', 'The TaskRouter task', included.task.error);
    }
  }

  if (included.transfer) {
    const { sid, channelSid, outcome } = included.transfer;
    if (outcome.ok) {
      body.transfer = outcome.value && transfer(outcome.value);
      if (outcome.value === null)
        warnings.push({
          code: 'transfer_not_found',
          message: channelSid
            ? `Transfer ${sid} is not one of the transfers on the interaction's channel ${channelSid}.`
            : `Transfer ${sid} cannot be read: the interaction names no channel.`,
        });
    } else {
      body.transfer = null;
      failed('transfer_unavailable', `Transfer ${sid}`, outcome.error);
    }
  }
  return { body, warnings, partial };
}

/** Warnings for included parts that the interaction itself rules out (a voice call has no Conversation). */
export function unavailableParts(described: Described, include: readonly string[]): Warning[] {
  const warnings: Warning[] = [];
  if (include.includes('conversation') && !described.conversationSid)
    warnings.push({ code: 'no_conversation', message: 'This interaction names no Conversation (voice interactions have none).' });
  if (include.includes('task') && !described.taskRef)
    warnings.push({ code: 'task_not_found', message: 'The routing properties name no task to read.' });
  return warnings;
}

type ParsedAttributes = { attributes: Json | null } | { attributes: null; raw: string };

function parseAttributes(value: unknown): ParsedAttributes {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      const object = asObject(parsed);
      return object ? { attributes: object } : { attributes: null, raw: value };
    } catch {
      return { attributes: null, raw: value };
    }
  }
  return { attributes: asObject(value) };
}

function conversationDetails(c: ConversationResource): Conversation['details'] {
  return {
    sid: c.sid,
    friendlyName: c.friendlyName,
    uniqueName: c.uniqueName,
    state: c.state,
    chatServiceSid: c.chatServiceSid,
    messagingServiceSid: c.messagingServiceSid,
    attributes: parseLoose(c.attributes),
    dateCreated: c.dateCreated,
    dateUpdated: c.dateUpdated,
  };
}

function channelParticipant(p: ChannelParticipantResource, channelSid: string | null): ChannelParticipant {
  const routing = asObject(p.routingProperties) ?? {};
  return {
    sid: p.sid,
    type: p.type,
    channelSid,
    workerSid: sidOrNull('worker', routing.worker_sid),
    taskSid: sidOrNull('task', routing.task_sid),
    routingProperties: p.routingProperties,
  };
}

/** An invite's routing is its task's, as the interaction's is: `properties` with the task's SID, queue and workflow. */
function channelInvite(invite: InviteResource): ChannelInvite {
  const properties = asObject(invite.routing?.properties) ?? {};
  return {
    sid: invite.sid,
    taskSid: sidOrNull('task', properties.sid),
    ...routedBy(properties),
    assignmentStatus: text(properties.assignment_status),
  };
}

/** Where a task's routing properties send it: its workflow and queue, under either of the names Twilio uses. */
function routedBy(properties: Json): Pick<ChannelInvite, 'workflowSid' | 'workflowName' | 'queueSid' | 'queueName'> {
  return {
    workflowSid: text(properties.workflow_sid),
    workflowName: text(properties.workflow_name),
    queueSid: text(properties.queue_sid) ?? text(properties.task_queue_sid),
    queueName: text(properties.queue_name) ?? text(properties.task_queue_friendly_name),
  };
}

function reservation(value: unknown): Reservation | null {
  const r = asObject(value);
  if (!r) return null;
  return {
    sid: sidOrNull('reservation', r.sid),
    status: text(r.reservation_status) ?? text(r.status),
    workerSid: sidOrNull('worker', r.worker_sid),
  };
}

function transfer(t: TransferResource): Transfer {
  return {
    sid: t.sid,
    channelSid: t.channelSid,
    type: t.type,
    status: t.status,
    fromParticipantSid: t.from,
    to: t.to,
    noteSid: t.noteSid,
    summarySid: t.summarySid,
    dateCreated: t.dateCreated,
    dateUpdated: t.dateUpdated,
  };
}

function conversationParticipant(p: ConversationParticipantResource): ConversationParticipant {
  const binding = asObject(p.messagingBinding) ?? {};
  return {
    sid: p.sid,
    identity: p.identity,
    address: text(binding.address),
    proxyAddress: text(binding.proxy_address),
    bindingType: text(binding.type),
    attributes: parseLoose(p.attributes),
    dateCreated: p.dateCreated,
  };
}

function liveTask(t: TaskResource): LiveTask {
  const parsed = parseAttributes(t.attributes);
  return {
    sid: t.sid,
    assignmentStatus: t.assignmentStatus,
    age: t.age,
    priority: t.priority,
    reason: t.reason,
    queueSid: t.taskQueueSid,
    queueName: t.taskQueueFriendlyName,
    workflowSid: t.workflowSid,
    workflowName: t.workflowFriendlyName,
    taskChannel: t.taskChannelUniqueName,
    dateCreated: t.dateCreated,
    dateUpdated: t.dateUpdated,
    attributes: parsed.attributes,
  };
}

/** JSON strings become values; anything else, or invalid JSON, stays as it came. */
function parseLoose(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function asObject(value: unknown): Json | null {
  return isJsonObject(value) ? (value as Json) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The routing and channel are Twilio's untyped JSON: a SID the payload names is one only if it has the SID's form. */
function sidOrNull(kind: SidKind, value: unknown): string | null {
  return isSid(kind, value) ? value : null;
}

function lower(value: unknown): string | null {
  return text(value)?.toLowerCase() ?? null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function direction(value: unknown): 'inbound' | 'outbound' | null {
  const candidate = lower(value);
  return candidate === 'inbound' || candidate === 'outbound' ? candidate : null;
}

function mediaSids(media: unknown): unknown[] {
  return Array.isArray(media) ? media.map((item) => asObject(item)?.sid) : [];
}

/** Interactions give dates in epoch seconds; the payload gives ISO 8601. */
export function isoDate(value: unknown): string | null {
  const ms =
    typeof value === 'number'
      ? value * 1000
      : typeof value === 'string'
        ? /^\d+$/.test(value)
          ? Number(value) * 1000
          : Date.parse(value)
        : NaN;
  return isoDateTime(ms);
}
