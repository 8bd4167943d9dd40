import { randomBytes } from 'node:crypto';
import { ServerlessModel } from './serverless/model';
import { SyncModel } from './sync/model';
import { newSid, SID_PREFIX, type SidPrefix } from './sids';
import { errors } from './twilio-error';

/**
 * The emulator's model of one Twilio account: the Flex Interactions, their
 * channels, participants and invites, the Conversations behind them and the
 * TaskRouter tasks that route them, (in serverless/model.ts) the Serverless
 * Services that functions are deployed to, and (in sync/model.ts) Sync's
 * Services and Documents. Records hold state; representations.ts
 * turns them into the JSON Twilio answers with. The store owns its records: they
 * are read-only outside it, reads answer a record or a new array of them, and
 * every change (the seed's too) is a Store method.
 */

export type ChannelType = 'voice' | 'sms' | 'email' | 'web' | 'whatsapp' | 'chat' | 'messenger' | 'gbm';
export const CHANNEL_TYPES: readonly ChannelType[] = ['voice', 'sms', 'email', 'web', 'whatsapp', 'chat', 'messenger', 'gbm'];
export type ChannelStatus = 'setup' | 'active' | 'failed' | 'closed' | 'inactive';
export type ParticipantType = 'supervisor' | 'customer' | 'external' | 'agent' | 'unknown';
export const PARTICIPANT_TYPES: readonly ParticipantType[] = ['supervisor', 'customer', 'external', 'agent', 'unknown'];
export type AssignmentStatus = 'pending' | 'reserved' | 'assigned' | 'canceled' | 'wrapping' | 'completed';
export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['pending', 'reserved', 'assigned', 'canceled', 'wrapping', 'completed'];

export type Workspace = Readonly<{
  sid: string;
  friendlyName: string;
}>;
export type Workflow = Readonly<{
  sid: string;
  friendlyName: string;
}>;
export type Queue = Readonly<{
  sid: string;
  friendlyName: string;
}>;
export type TaskChannel = Readonly<{
  sid: string;
  uniqueName: string;
}>;
export type Worker = Readonly<{
  sid: string;
  friendlyName: string;
  identity: string;
  roles: readonly string[];
}>;

export type TaskRecord = Readonly<{
  sid: string;
  workspaceSid: string;
  workflowSid: string;
  queueSid: string;
  taskChannelSid: string;
  /** Stored as TaskRouter stores it: a string, normally JSON. */
  attributes: string;
  assignmentStatus: AssignmentStatus;
  priority: number;
  reason: string | null;
  timeout: number;
  routingTarget: string | null;
  createdAt: number;
  updatedAt: number;
  queueEnteredAt: number;
  revision: number;
}>;

export type InteractionRecord = Readonly<{
  sid: string;
  channelSids: readonly string[];
  primaryTaskSid: string;
  interactionContextSid: string | null;
  webhookTtid: string;
  createdAt: number;
}>;

export type ChannelRecord = Readonly<{
  sid: string;
  interactionSid: string;
  type: ChannelType;
  status: ChannelStatus;
  errorCode: number | null;
  errorMessage: string | null;
}>;

export type ParticipantRecord = Readonly<{
  sid: string;
  interactionSid: string;
  channelSid: string;
  type: ParticipantType;
  routingProperties: Readonly<Record<string, unknown>> | null;
  /** Set by UpdateInteractionChannelParticipant; Twilio's representation of a participant does not show it. */
  status: ParticipantStatus;
}>;

export type ParticipantStatus = 'active' | 'closed' | 'wrapup';
export const TRANSFER_TYPES = ['warm', 'cold', 'external'] as const;
export type TransferType = (typeof TRANSFER_TYPES)[number];
export const TRANSFER_STATUSES = ['active', 'completed', 'failed'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export type TransferRecord = Readonly<{
  sid: string;
  interactionSid: string;
  channelSid: string;
  executionSid: string;
  type: TransferType;
  status: TransferStatus;
  /** The participant who started it (UT...). */
  from: string | null;
  /** Its target as Twilio names it: a participant, worker, queue or workflow SID, or an address. */
  to: string | null;
  noteSid: string | null;
  summarySid: string | null;
  createdAt: number;
  updatedAt: number;
}>;

export type InviteRecord = Readonly<{
  sid: string;
  interactionSid: string;
  channelSid: string;
  taskSid: string;
}>;

export type ConversationRecord = Readonly<{
  sid: string;
  chatServiceSid: string;
  messagingServiceSid: string;
  friendlyName: string | null;
  uniqueName: string | null;
  attributes: string;
  state: 'active' | 'inactive' | 'closed';
  createdAt: number;
  updatedAt: number;
}>;

export interface MessagingBinding {
  type: string;
  address?: string;
  proxy_address?: string;
}

export type ConversationParticipantRecord = Readonly<{
  sid: string;
  conversationSid: string;
  identity: string | null;
  attributes: string;
  messagingBinding: MessagingBinding | null;
  roleSid: string;
  createdAt: number;
  updatedAt: number;
}>;

export type FlexTokenRecord = Readonly<{
  token: string;
  identity: string;
  workerSid: string | null;
  roles: readonly string[];
  realmUserId: string;
  expiresAt: number;
}>;

/** What POST /v1/Interactions accepts, as the twilio helper sends it (Channel and Routing JSON). */
export interface InteractionInput {
  channel: {
    type: ChannelType;
    initiated_by?: 'customer' | 'agent' | 'api';
    properties?: { media_channel_sid?: string };
    participants?: Array<{ address?: string; proxy_address?: string; name?: string; identity?: string }>;
  };
  routing: {
    properties: {
      workspace_sid: string;
      workflow_sid?: string;
      queue_sid?: string;
      worker_sid?: string;
      task_channel_unique_name?: string;
      attributes?: Record<string, unknown>;
      priority?: number;
      timeout?: number;
    };
  };
  interactionContextSid?: string;
  webhookTtid?: string;
}

/** Fixed SIDs and state a seed file can give a created interaction. */
export interface InteractionOverrides {
  sids?: Partial<Record<'interaction' | 'channel' | 'task' | 'invite' | 'conversation' | 'participant', string>>;
  createdAt?: number;
  assignmentStatus?: AssignmentStatus;
  channelStatus?: ChannelStatus;
}

/** The TaskRouter setup interactions are routed with: seeded, never served by the API. */
export interface RoutingConfiguration {
  workspaces: readonly Workspace[];
  workflows: readonly Workflow[];
  queues: readonly Queue[];
  taskChannels: readonly TaskChannel[];
  workers: readonly Worker[];
}

export interface StoreOptions {
  accountSid: string;
  flexInstanceSid: string;
  now?: () => number;
  /** Makes the SIDs of new records that were given none: random by default, deterministic where a seed or a test needs it. */
  mintSid?: (prefix: SidPrefix) => string;
}

/**
 * Minted Flex tokens kept for validation (about 450 bytes each). Past the bound the oldest is
 * forgotten, and validates as any unknown token does (code 20101), so minting never grows the heap.
 */
export const MAX_FLEX_TOKENS = 1_000;

/** How long a minted Flex token lasts unless the minting asks otherwise: an hour. */
export const DEFAULT_FLEX_TOKEN_TTL_SECONDS = 3_600;
/** The longest a minting may ask for (and, negative, the furthest back an expired one may be): a day. */
export const MAX_FLEX_TOKEN_TTL_SECONDS = 86_400;

const DEFAULT_ROLE_SID = 'RL' + 'c0ffee'.padEnd(32, '0');

/** What the store indexes by SID, by kind: find(kind, sid) answers one of them. */
export interface Indexed {
  workspace: Workspace;
  workflow: Workflow;
  queue: Queue;
  taskChannel: TaskChannel;
  worker: Worker;
  interaction: InteractionRecord;
  channel: ChannelRecord;
  participant: ParticipantRecord;
  invite: InviteRecord;
  transfer: TransferRecord;
  task: TaskRecord;
  conversation: ConversationRecord;
  conversationParticipant: ConversationParticipantRecord;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Indexes = { [Kind in keyof Indexed]: Map<string, Indexed[Kind]> };

export class Store {
  readonly accountSid: string;
  readonly flexInstanceSid: string;
  readonly now: () => number;
  /** Serverless Services and what is deployed to them; a part of the account with its own model. */
  readonly serverless: ServerlessModel;
  /** Sync Services and their Documents; a part of the account with its own model. */
  readonly sync: SyncModel;

  readonly #mintSid: (prefix: SidPrefix) => string;
  readonly #bySid: Indexes = {
    workspace: new Map(),
    workflow: new Map(),
    queue: new Map(),
    taskChannel: new Map(),
    worker: new Map(),
    interaction: new Map(),
    channel: new Map(),
    participant: new Map(),
    invite: new Map(),
    transfer: new Map(),
    task: new Map(),
    conversation: new Map(),
    conversationParticipant: new Map(),
  };
  readonly #flexTokens = new Map<string, FlexTokenRecord>();

  constructor(options: StoreOptions) {
    this.accountSid = options.accountSid;
    this.flexInstanceSid = options.flexInstanceSid;
    this.now = options.now ?? Date.now;
    this.#mintSid = options.mintSid ?? newSid;
    this.serverless = new ServerlessModel(this.#mintSid, this.now);
    this.sync = new SyncModel(this.#mintSid, this.now);
  }

  // ---- the routing configuration ----

  addRoutingConfiguration(configuration: RoutingConfiguration): void {
    for (const workspace of configuration.workspaces) this.#bySid.workspace.set(workspace.sid, { ...workspace });
    for (const workflow of configuration.workflows) this.#bySid.workflow.set(workflow.sid, { ...workflow });
    for (const queue of configuration.queues) this.#bySid.queue.set(queue.sid, { ...queue });
    for (const taskChannel of configuration.taskChannels) this.#bySid.taskChannel.set(taskChannel.sid, { ...taskChannel });
    for (const worker of configuration.workers) this.#bySid.worker.set(worker.sid, { ...worker, roles: [...worker.roles] });
  }

  workspaces(): Workspace[] {
    return [...this.#bySid.workspace.values()];
  }

  workers(): Worker[] {
    return [...this.#bySid.worker.values()];
  }

  // ---- lookups that answer Twilio's 404 ----

  interaction(sid: string, path: string): InteractionRecord {
    return found(this.#bySid.interaction.get(sid), path);
  }

  channel(interactionSid: string, channelSid: string, path: string): ChannelRecord {
    const channel = this.#bySid.channel.get(channelSid);
    return found(channel?.interactionSid === interactionSid ? channel : undefined, path);
  }

  transfer(interactionSid: string, channelSid: string, transferSid: string, path: string): TransferRecord {
    const transfer = this.#bySid.transfer.get(transferSid);
    return found(transfer?.interactionSid === interactionSid && transfer.channelSid === channelSid ? transfer : undefined, path);
  }

  conversation(sid: string, path: string): ConversationRecord {
    return found(this.#bySid.conversation.get(sid), path);
  }

  task(workspaceSid: string, taskSid: string, path: string): TaskRecord {
    const task = this.#bySid.task.get(taskSid);
    return found(task?.workspaceSid === workspaceSid ? task : undefined, path);
  }

  // ---- lookups that answer undefined ----

  find<Kind extends keyof Indexed>(kind: Kind, sid: string): Indexed[Kind] | undefined {
    return this.#bySid[kind].get(sid);
  }

  flexToken(token: string): FlexTokenRecord | undefined {
    return this.#flexTokens.get(token);
  }

  // ---- relations, as new arrays ----

  channelsOf(interactionSid: string): ChannelRecord[] {
    const interaction = this.#bySid.interaction.get(interactionSid);
    return (interaction?.channelSids ?? []).map((sid) => this.#bySid.channel.get(sid)).filter(isDefined);
  }

  participantsOf(channelSid: string): ParticipantRecord[] {
    return [...this.#bySid.participant.values()].filter((p) => p.channelSid === channelSid);
  }

  transfersOf(channelSid: string): TransferRecord[] {
    return [...this.#bySid.transfer.values()].filter((transfer) => transfer.channelSid === channelSid);
  }

  invitesOf(channelSid: string): InviteRecord[] {
    return [...this.#bySid.invite.values()].filter((i) => i.channelSid === channelSid);
  }

  conversationParticipantsOf(conversationSid: string): ConversationParticipantRecord[] {
    return [...this.#bySid.conversationParticipant.values()].filter((p) => p.conversationSid === conversationSid);
  }

  // ---- writes ----

  /**
   * Creates an interaction the way Flex does: a Conversation for the media
   * (unless one is given), an interaction channel, a TaskRouter task carrying
   * the known Flex task attributes, an invite for that task, and the customer
   * as a channel participant.
   */
  createInteraction(input: InteractionInput, overrides: InteractionOverrides = {}): InteractionRecord {
    const props = input.routing.properties;
    const workspace = this.#bySid.workspace.get(props.workspace_sid);
    if (!workspace) throw errors.invalidParameter('Routing', `workspace ${props.workspace_sid} was not found`);
    const workflowSid = props.workflow_sid ?? first(this.#bySid.workflow.keys());
    if (!workflowSid || !this.#bySid.workflow.has(workflowSid))
      throw errors.invalidParameter('Routing', `workflow ${props.workflow_sid} was not found`);
    const queueSid = props.queue_sid ?? first(this.#bySid.queue.keys());
    if (!queueSid || !this.#bySid.queue.has(queueSid)) throw errors.invalidParameter('Routing', `queue ${props.queue_sid} was not found`);
    const taskChannelName = props.task_channel_unique_name ?? defaultTaskChannel(input.channel.type);
    const taskChannel = [...this.#bySid.taskChannel.values()].find((c) => c.uniqueName === taskChannelName);
    if (!taskChannel) throw errors.invalidParameter('Routing', `task channel ${taskChannelName} was not found`);

    const createdAt = overrides.createdAt ?? this.now();
    const sids = overrides.sids ?? {};
    const interactionSid = sids.interaction ?? this.#mintSid(SID_PREFIX.interaction);
    const channelSid = sids.channel ?? this.#mintSid(SID_PREFIX.channel);
    const taskSid = sids.task ?? this.#mintSid(SID_PREFIX.task);
    const inviteSid = sids.invite ?? this.#mintSid(SID_PREFIX.invite);
    const customer = input.channel.participants?.[0] ?? {};
    const initiatedBy = input.channel.initiated_by ?? 'customer';
    const type = input.channel.type;

    const conversationSid =
      type === 'voice'
        ? null
        : (input.channel.properties?.media_channel_sid ??
          this.createConversation(
            {
              sid: sids.conversation,
              friendlyName: `${type} with ${customer.name ?? customer.address ?? customer.identity ?? 'customer'}`,
              createdAt,
            },
            customer,
            type,
          ).sid);

    const userAttributes = props.attributes ?? {};
    const direction = initiatedBy === 'agent' ? 'outbound' : 'inbound';
    const attributes = {
      ...userAttributes,
      customerAddress: customer.address ?? customer.identity ?? null,
      customerName: userAttributes.customerName ?? customer.name ?? customer.address ?? customer.identity ?? null,
      from: customer.address ?? customer.identity ?? null,
      ...(conversationSid ? { conversationSid } : {}),
      flexInteractionSid: interactionSid,
      flexInteractionChannelSid: channelSid,
      flexChannelInviteSid: inviteSid,
      channelType: type,
      direction,
      initiatedBy,
      conversations: {
        ...(isRecord(userAttributes.conversations) ? userAttributes.conversations : {}),
        conversation_id: interactionSid,
        initiated_by: initiatedBy,
        communication_channel: capitalize(type),
        direction: capitalize(direction),
        ...(conversationSid ? { media: [{ type: 'ChatTranscript', sid: conversationSid }] } : {}),
      },
    };

    this.#bySid.task.set(taskSid, {
      sid: taskSid,
      workspaceSid: workspace.sid,
      workflowSid,
      queueSid,
      taskChannelSid: taskChannel.sid,
      attributes: JSON.stringify(attributes),
      assignmentStatus: overrides.assignmentStatus ?? 'pending',
      priority: props.priority ?? 0,
      reason: null,
      timeout: props.timeout ?? 86400,
      routingTarget: props.worker_sid ?? null,
      createdAt,
      updatedAt: createdAt,
      queueEnteredAt: createdAt,
      revision: 0,
    });
    this.#bySid.channel.set(channelSid, {
      sid: channelSid,
      interactionSid,
      type,
      status: overrides.channelStatus ?? 'active',
      errorCode: null,
      errorMessage: null,
    });
    this.#bySid.invite.set(inviteSid, { sid: inviteSid, interactionSid, channelSid, taskSid });
    const participantSid = sids.participant ?? this.#mintSid(SID_PREFIX.participant);
    this.#bySid.participant.set(participantSid, {
      sid: participantSid,
      interactionSid,
      channelSid,
      type: 'customer',
      routingProperties: null,
      status: 'active',
    });
    const interaction: InteractionRecord = {
      sid: interactionSid,
      channelSids: [channelSid],
      primaryTaskSid: taskSid,
      interactionContextSid: input.interactionContextSid ?? null,
      webhookTtid: input.webhookTtid ?? `flex_interactionwebhook_${interactionSid.slice(2, 28)}`,
      createdAt,
    };
    this.#bySid.interaction.set(interactionSid, interaction);
    return interaction;
  }

  updateInteraction(interaction: InteractionRecord, changes: Partial<Pick<InteractionRecord, 'webhookTtid'>>): InteractionRecord {
    return Object.assign(this.#own('interaction', interaction.sid), changes);
  }

  createConversation(
    spec: { sid?: string; friendlyName?: string; createdAt?: number; attributes?: Record<string, unknown> },
    customer: { address?: string; proxy_address?: string; identity?: string; name?: string } = {},
    type: ChannelType = 'chat',
  ): ConversationRecord {
    const createdAt = spec.createdAt ?? this.now();
    const conversation: ConversationRecord = {
      sid: spec.sid ?? this.#mintSid(SID_PREFIX.conversation),
      chatServiceSid: 'IS' + this.accountSid.slice(2),
      messagingServiceSid: 'MG' + this.accountSid.slice(2),
      friendlyName: spec.friendlyName ?? null,
      uniqueName: null,
      attributes: JSON.stringify(spec.attributes ?? {}),
      state: 'active',
      createdAt,
      updatedAt: createdAt,
    };
    this.#bySid.conversation.set(conversation.sid, conversation);
    if (customer.address || customer.identity) {
      this.addConversationParticipant(conversation.sid, {
        identity: customer.address ? null : (customer.identity ?? null),
        attributes: customer.name ? { name: customer.name } : {},
        messagingBinding: customer.address
          ? { type: bindingType(type), address: customer.address, proxy_address: customer.proxy_address }
          : null,
        createdAt,
      });
    }
    return conversation;
  }

  addConversationParticipant(
    conversationSid: string,
    spec: {
      sid?: string;
      identity: string | null;
      attributes?: Record<string, unknown>;
      messagingBinding: MessagingBinding | null;
      createdAt?: number;
    },
  ): ConversationParticipantRecord {
    const createdAt = spec.createdAt ?? this.now();
    const participant: ConversationParticipantRecord = {
      sid: spec.sid ?? this.#mintSid(SID_PREFIX.conversationParticipant),
      conversationSid,
      identity: spec.identity,
      attributes: JSON.stringify(spec.attributes ?? {}),
      messagingBinding: spec.messagingBinding,
      roleSid: DEFAULT_ROLE_SID,
      createdAt,
      updatedAt: createdAt,
    };
    this.#bySid.conversationParticipant.set(participant.sid, participant);
    return participant;
  }

  /** As Twilio deletes a Conversation: it and its participants are gone; the interaction and its tasks still name it. */
  deleteConversation(sid: string): void {
    this.#bySid.conversation.delete(sid);
    for (const participant of this.conversationParticipantsOf(sid)) this.#bySid.conversationParticipant.delete(participant.sid);
  }

  addChannelParticipant(
    channel: ChannelRecord,
    spec: { sid?: string; type: ParticipantType; routingProperties?: Record<string, unknown> | null },
  ): ParticipantRecord {
    const participant: ParticipantRecord = {
      sid: spec.sid ?? this.#mintSid(SID_PREFIX.participant),
      interactionSid: channel.interactionSid,
      channelSid: channel.sid,
      type: spec.type,
      routingProperties: spec.routingProperties ?? null,
      status: 'active',
    };
    this.#bySid.participant.set(participant.sid, participant);
    return participant;
  }

  updateParticipant(participant: ParticipantRecord, changes: Pick<ParticipantRecord, 'status'>): ParticipantRecord {
    return Object.assign(this.#own('participant', participant.sid), changes);
  }

  /** A transfer on a channel; what it does to tasks and participants is Flex's, and not modelled. */
  addTransfer(
    channel: ChannelRecord,
    spec: {
      sid?: string;
      executionSid?: string;
      type: TransferType;
      status?: TransferStatus;
      from?: string | null;
      to?: string | null;
      createdAt?: number;
    },
  ): TransferRecord {
    const createdAt = spec.createdAt ?? this.now();
    const transfer: TransferRecord = {
      sid: spec.sid ?? this.#mintSid(SID_PREFIX.transfer),
      interactionSid: channel.interactionSid,
      channelSid: channel.sid,
      executionSid: spec.executionSid ?? this.#mintSid(SID_PREFIX.execution),
      type: spec.type,
      status: spec.status ?? 'active',
      from: spec.from ?? null,
      to: spec.to ?? null,
      noteSid: null,
      summarySid: null,
      createdAt,
      updatedAt: createdAt,
    };
    this.#bySid.transfer.set(transfer.sid, transfer);
    return transfer;
  }

  updateTransfer(transfer: TransferRecord, changes: Partial<Pick<TransferRecord, 'status' | 'to'>>): TransferRecord {
    const stored = this.#own('transfer', transfer.sid);
    Object.assign(stored, changes);
    stored.updatedAt = this.now();
    return stored;
  }

  /** A further channel on an existing interaction, as a seed or a test needs it. */
  addChannel(
    interaction: InteractionRecord,
    spec: { sid?: string; type: ChannelType; status?: ChannelStatus; errorCode?: number; errorMessage?: string },
  ): ChannelRecord {
    const channel: ChannelRecord = {
      sid: spec.sid ?? this.#mintSid(SID_PREFIX.channel),
      interactionSid: interaction.sid,
      type: spec.type,
      status: spec.status ?? 'active',
      errorCode: spec.errorCode ?? null,
      errorMessage: spec.errorMessage ?? null,
    };
    this.#bySid.channel.set(channel.sid, channel);
    const owner = this.#own('interaction', interaction.sid);
    owner.channelSids = [...owner.channelSids, channel.sid];
    return channel;
  }

  updateChannel(channel: ChannelRecord, changes: Pick<ChannelRecord, 'status'>): ChannelRecord {
    return Object.assign(this.#own('channel', channel.sid), changes);
  }

  /** An invite is a second task for the same channel: how a transfer reaches another queue. */
  addInvite(
    channel: ChannelRecord,
    spec: {
      sid?: string;
      taskSid?: string;
      queueSid: string;
      assignmentStatus?: AssignmentStatus;
      createdAt?: number;
      attributes?: Record<string, unknown>;
    },
  ): InviteRecord {
    const interaction = this.#bySid.interaction.get(channel.interactionSid);
    const primary = interaction && this.#bySid.task.get(interaction.primaryTaskSid);
    if (!primary) throw errors.badRequest(`interaction ${channel.interactionSid} has no task`);
    if (!this.#bySid.queue.has(spec.queueSid)) throw errors.invalidParameter('Routing', `queue ${spec.queueSid} was not found`);
    const createdAt = spec.createdAt ?? this.now();
    const inviteSid = spec.sid ?? this.#mintSid(SID_PREFIX.invite);
    const taskSid = spec.taskSid ?? this.#mintSid(SID_PREFIX.task);
    const attributes = {
      ...safeParseObject(primary.attributes),
      ...(spec.attributes ?? {}),
      flexChannelInviteSid: inviteSid,
    };
    this.#bySid.task.set(taskSid, {
      ...primary,
      sid: taskSid,
      queueSid: spec.queueSid,
      attributes: JSON.stringify(attributes),
      assignmentStatus: spec.assignmentStatus ?? 'pending',
      createdAt,
      updatedAt: createdAt,
      queueEnteredAt: createdAt,
      revision: 0,
    });
    const invite: InviteRecord = { sid: inviteSid, interactionSid: channel.interactionSid, channelSid: channel.sid, taskSid };
    this.#bySid.invite.set(inviteSid, invite);
    return invite;
  }

  updateTask(
    task: TaskRecord,
    changes: Partial<Pick<TaskRecord, 'attributes' | 'assignmentStatus' | 'priority' | 'reason' | 'taskChannelSid'>>,
  ): TaskRecord {
    const stored = this.#own('task', task.sid);
    Object.assign(stored, changes);
    stored.updatedAt = this.now();
    stored.revision += 1;
    return stored;
  }

  /** The attributes text exactly as given, valid JSON or not, with no new revision: how a seed states what TaskRouter holds. */
  replaceTaskAttributes(task: TaskRecord, attributes: string): void {
    this.#own('task', task.sid).attributes = attributes;
  }

  mintFlexToken(spec: { identity: string; workerSid?: string | null; roles?: readonly string[]; ttlSeconds?: number }): FlexTokenRecord {
    const record: FlexTokenRecord = {
      token: fakeJwe(),
      identity: spec.identity,
      workerSid: spec.workerSid ?? null,
      roles: spec.roles ?? ['agent'],
      realmUserId: 'US' + this.#mintSid(SID_PREFIX.account).slice(2),
      expiresAt: this.now() + (spec.ttlSeconds ?? DEFAULT_FLEX_TOKEN_TTL_SECONDS) * 1000,
    };
    this.#flexTokens.set(record.token, record);
    if (this.#flexTokens.size > MAX_FLEX_TOKENS) this.#flexTokens.delete(first(this.#flexTokens.keys())!);
    return record;
  }

  /** How many minted tokens are kept, at most MAX_FLEX_TOKENS. */
  get flexTokenCount(): number {
    return this.#flexTokens.size;
  }

  /** The store's own record for one a caller holds, the only place a record is written after it is added. */
  #own<Kind extends keyof Indexed>(kind: Kind, sid: string): Mutable<Indexed[Kind]> {
    const record = this.#bySid[kind].get(sid);
    if (record === undefined) throw new Error(`${kind} ${sid} is not in this store`);
    return record as Mutable<Indexed[Kind]>;
  }
}

function found<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw errors.notFound(path);
  return value;
}

function first<T>(values: Iterable<T>): T | undefined {
  for (const value of values) return value;
  return undefined;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function safeParseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function defaultTaskChannel(type: ChannelType): string {
  if (type === 'voice' || type === 'email' || type === 'sms') return type;
  return 'chat';
}

function bindingType(type: ChannelType): string {
  return type === 'whatsapp' ? 'whatsapp' : type === 'email' ? 'email' : 'sms';
}

/** Looks like a Flex JWE (five base64url parts); only the emulator can read it. */
function fakeJwe(): string {
  const header = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'emulator' })).toString('base64url');
  const part = (bytes: number) => randomBytes(bytes).toString('base64url');
  return `${header}..${part(12)}.${part(96)}.${part(16)}`;
}
