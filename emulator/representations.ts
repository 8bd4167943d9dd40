import type {
  ChannelRecord,
  ConversationParticipantRecord,
  ConversationRecord,
  InteractionRecord,
  InviteRecord,
  ParticipantRecord,
  Store,
  TaskRecord,
  TransferRecord,
} from './store';

/** The hosts Twilio answers from; every `url`, `links` and page URL uses them. */
export const HOSTS = {
  flex: 'flex-api.twilio.com',
  conversations: 'conversations.twilio.com',
  taskrouter: 'taskrouter.twilio.com',
  iam: 'iam.twilio.com',
  serverless: 'serverless.twilio.com',
  /** Function and Asset Versions are uploaded to their own host. */
  serverlessUpload: 'serverless-upload.twilio.com',
  sync: 'sync.twilio.com',
} as const;
export type Product = keyof typeof HOSTS;

export function absoluteUrl(product: Product, path: string): string {
  return `https://${HOSTS[product]}${path}`;
}

const epochSeconds = (ms: number) => Math.floor(ms / 1000);
/** Twilio's ISO 8601 dates, to the second. */
export const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A task as the Interactions API embeds it in `routing.properties`: names resolved, dates in epoch seconds. */
export function routingProperties(store: Store, task: TaskRecord): Record<string, unknown> {
  const now = store.now();
  return {
    date_updated: epochSeconds(task.updatedAt),
    task_queue_entered_date: epochSeconds(task.queueEnteredAt),
    workflow_name: store.find('workflow', task.workflowSid)?.friendlyName ?? null,
    age_in_queue: epochSeconds(now - task.queueEnteredAt),
    task_channel_unique_name: store.find('taskChannel', task.taskChannelSid)?.uniqueName ?? null,
    assignment_status: task.assignmentStatus,
    queue_name: store.find('queue', task.queueSid)?.friendlyName ?? null,
    assignmentCounter: task.assignmentStatus === 'pending' ? 0 : 1,
    priority: task.priority,
    sid: task.sid,
    workflow_sid: task.workflowSid,
    routing_target: task.routingTarget,
    reason: task.reason,
    attributes: task.attributes,
    task_channel_sid: task.taskChannelSid,
    age: epochSeconds(now - task.createdAt),
    workspace_sid: task.workspaceSid,
    account_sid: store.accountSid,
    timeout: task.timeout,
    date_created: epochSeconds(task.createdAt),
    addons: '{}',
    queue_sid: task.queueSid,
  };
}

/**
 * The reservation of a task an agent accepted: the agent's worker, accepted (or wrapping). twilio-oai
 * leaves `routing` untyped and Twilio's docs show only `null` (a task still waiting); the fields follow
 * TaskRouter's Reservation resource (`sid`, `reservation_status`, `worker_sid`), which is an assumption.
 */
function reservationOf(store: Store, interaction: InteractionRecord, task: TaskRecord): Record<string, unknown> | null {
  if (task.assignmentStatus !== 'assigned' && task.assignmentStatus !== 'wrapping') return null;
  const agent = interaction.channelSids
    .flatMap((channelSid) => store.participantsOf(channelSid))
    .find((participant) => participant.routingProperties?.task_sid === task.sid);
  const workerSid = agent?.routingProperties?.worker_sid;
  if (typeof workerSid !== 'string') return null;
  return {
    sid: 'WR' + task.sid.slice(2),
    reservation_status: task.assignmentStatus === 'assigned' ? 'accepted' : 'wrapping',
    worker_sid: workerSid,
  };
}

export function interactionJson(store: Store, interaction: InteractionRecord): Record<string, unknown> {
  const url = absoluteUrl('flex', `/v1/Interactions/${interaction.sid}`);
  const firstChannel = store.find('channel', interaction.channelSids[0] ?? '');
  const task = store.find('task', interaction.primaryTaskSid);
  return {
    sid: interaction.sid,
    channel: firstChannel ? { type: firstChannel.type, sid: firstChannel.sid } : null,
    routing: task ? { reservation: reservationOf(store, interaction, task), properties: routingProperties(store, task) } : null,
    interaction_context_sid: interaction.interactionContextSid,
    webhook_ttid: interaction.webhookTtid,
    url,
    links: { channels: `${url}/Channels` },
  };
}

export function channelJson(channel: ChannelRecord): Record<string, unknown> {
  const url = absoluteUrl('flex', `/v1/Interactions/${channel.interactionSid}/Channels/${channel.sid}`);
  return {
    sid: channel.sid,
    interaction_sid: channel.interactionSid,
    type: channel.type,
    status: channel.status,
    error_code: channel.errorCode,
    error_message: channel.errorMessage,
    url,
    links: {
      participants: `${url}/Participants`,
      invites: `${url}/Invites`,
      transfers: `${url}/Transfers`,
    },
  };
}

export function participantJson(participant: ParticipantRecord): Record<string, unknown> {
  return {
    sid: participant.sid,
    type: participant.type,
    interaction_sid: participant.interactionSid,
    channel_sid: participant.channelSid,
    url: absoluteUrl(
      'flex',
      `/v1/Interactions/${participant.interactionSid}/Channels/${participant.channelSid}/Participants/${participant.sid}`,
    ),
    routing_properties: participant.routingProperties,
  };
}

export function inviteJson(store: Store, invite: InviteRecord): Record<string, unknown> {
  const task = store.find('task', invite.taskSid);
  return {
    sid: invite.sid,
    interaction_sid: invite.interactionSid,
    channel_sid: invite.channelSid,
    routing: task ? { properties: routingProperties(store, task) } : null,
    url: absoluteUrl('flex', `/v1/Interactions/${invite.interactionSid}/Channels/${invite.channelSid}/Invites/${invite.sid}`),
  };
}

export function transferJson(store: Store, transfer: TransferRecord): Record<string, unknown> {
  return {
    sid: transfer.sid,
    account_sid: store.accountSid,
    instance_sid: store.flexInstanceSid,
    interaction_sid: transfer.interactionSid,
    channel_sid: transfer.channelSid,
    execution_sid: transfer.executionSid,
    type: transfer.type,
    status: transfer.status,
    from: transfer.from,
    to: transfer.to,
    note_sid: transfer.noteSid,
    summary_sid: transfer.summarySid,
    url: absoluteUrl('flex', `/v1/Interactions/${transfer.interactionSid}/Channels/${transfer.channelSid}/Transfers/${transfer.sid}`),
    date_created: iso(transfer.createdAt),
    date_updated: iso(transfer.updatedAt),
  };
}

export function conversationJson(store: Store, conversation: ConversationRecord): Record<string, unknown> {
  const url = absoluteUrl('conversations', `/v1/Conversations/${conversation.sid}`);
  return {
    account_sid: store.accountSid,
    chat_service_sid: conversation.chatServiceSid,
    messaging_service_sid: conversation.messagingServiceSid,
    sid: conversation.sid,
    friendly_name: conversation.friendlyName,
    unique_name: conversation.uniqueName,
    attributes: conversation.attributes,
    state: conversation.state,
    date_created: iso(conversation.createdAt),
    date_updated: iso(conversation.updatedAt),
    timers: {},
    url,
    links: {
      participants: `${url}/Participants`,
      messages: `${url}/Messages`,
      webhooks: `${url}/Webhooks`,
    },
    bindings: {},
  };
}

export function conversationParticipantJson(store: Store, participant: ConversationParticipantRecord): Record<string, unknown> {
  return {
    account_sid: store.accountSid,
    conversation_sid: participant.conversationSid,
    sid: participant.sid,
    identity: participant.identity,
    attributes: participant.attributes,
    messaging_binding: participant.messagingBinding,
    role_sid: participant.roleSid,
    date_created: iso(participant.createdAt),
    date_updated: iso(participant.updatedAt),
    url: absoluteUrl('conversations', `/v1/Conversations/${participant.conversationSid}/Participants/${participant.sid}`),
    last_read_message_index: null,
    last_read_timestamp: null,
  };
}

export function taskJson(store: Store, task: TaskRecord): Record<string, unknown> {
  const workspaceUrl = absoluteUrl('taskrouter', `/v1/Workspaces/${task.workspaceSid}`);
  const url = `${workspaceUrl}/Tasks/${task.sid}`;
  return {
    account_sid: store.accountSid,
    age: epochSeconds(store.now() - task.createdAt),
    assignment_status: task.assignmentStatus,
    attributes: task.attributes,
    addons: '{}',
    date_created: iso(task.createdAt),
    date_updated: iso(task.updatedAt),
    task_queue_entered_date: iso(task.queueEnteredAt),
    priority: task.priority,
    reason: task.reason,
    sid: task.sid,
    task_queue_sid: task.queueSid,
    task_queue_friendly_name: store.find('queue', task.queueSid)?.friendlyName ?? null,
    task_channel_sid: task.taskChannelSid,
    task_channel_unique_name: store.find('taskChannel', task.taskChannelSid)?.uniqueName ?? null,
    timeout: task.timeout,
    workflow_sid: task.workflowSid,
    workflow_friendly_name: store.find('workflow', task.workflowSid)?.friendlyName ?? null,
    workspace_sid: task.workspaceSid,
    url,
    links: {
      task_queue: `${workspaceUrl}/TaskQueues/${task.queueSid}`,
      workflow: `${workspaceUrl}/Workflows/${task.workflowSid}`,
      workspace: workspaceUrl,
      reservations: `${url}/Reservations`,
    },
    virtual_start_time: iso(task.createdAt),
    ignore_capacity: false,
    routing_target: task.routingTarget,
  };
}

/** TaskRouter's ETag is the task's revision; If-Match must name the current one. */
export function taskEtag(task: TaskRecord): string {
  return `"${task.revision}"`;
}
