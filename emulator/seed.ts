import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { newSid, type SidPrefix } from './sids';
import {
  safeParseObject,
  Store,
  type AssignmentStatus,
  type ChannelRecord,
  type ChannelStatus,
  type ChannelType,
  type InteractionInput,
  type ParticipantType,
  type Queue,
  type TaskChannel,
  type TransferStatus,
  type TransferType,
  type Workflow,
  type Worker,
  type Workspace,
} from './store';

export const DEFAULT_SEED_FILE = path.join(__dirname, 'seed', 'bank.json');

interface SeedInteraction {
  label: string;
  sids: NonNullable<NonNullable<Parameters<Store['createInteraction']>[1]>['sids']>;
  createdMinutesAgo: number;
  channel: InteractionInput['channel'];
  routing: {
    queue: string;
    workflow: string;
    taskChannel: string;
    priority?: number;
    attributes: Record<string, unknown>;
  };
  assignmentStatus: AssignmentStatus;
  /** A worker SID: adds the agent as a channel participant, as accepting the reservation does. */
  agent?: string;
  extraChannels?: Array<{
    sid: string;
    type: ChannelType;
    status: ChannelStatus;
    participants: Array<{ sid: string; type: ParticipantType }>;
  }>;
  transfers?: Array<{
    invite: string;
    task: string;
    queue: string;
    assignmentStatus: AssignmentStatus;
    agent?: string;
    minutesAfter: number;
    attributes?: Record<string, unknown>;
    /** The Transfer behind the invite, from the interaction's agent to the invite's agent (warm) or queue (cold). */
    transfer?: { sid: string; type: TransferType; status: TransferStatus };
  }>;
  /** Replaces the task's attributes string as is, valid JSON or not. */
  rawAttributes?: string;
  conversationDeleted?: boolean;
}

export interface SeedFile {
  accountSid: string;
  flexInstanceSid: string;
  workspace: Workspace;
  workflows: Workflow[];
  queues: Queue[];
  taskChannels: TaskChannel[];
  workers: Worker[];
  interactions: SeedInteraction[];
  /** Sync Services, with fixed SIDs, where the functions keep what they share across containers. */
  syncServices?: Array<{ sid: string; uniqueName: string; friendlyName: string }>;
}

export interface SeededInteraction {
  sid: string;
  label: string;
  channelType: ChannelType;
  /** The transfers on its channel, for a caller's TransferSid. */
  transfers: SeededTransfer[];
}

export interface SeededTransfer {
  sid: string;
  type: TransferType;
  status: TransferStatus;
}

export function readSeedFile(file: string = DEFAULT_SEED_FILE): SeedFile {
  return JSON.parse(readFileSync(file, 'utf8')) as SeedFile;
}

/**
 * Builds a store holding the seed's account, with every interaction created as Flex would create it.
 * The SIDs the seed does not spell out come from a deterministic minter; once seeded, the store
 * mints with `mintSid`.
 */
export function storeFromSeed(seed: SeedFile, now: () => number = Date.now, mintSid: (prefix: SidPrefix) => string = newSid): Store {
  let minter = deterministicSids(seed.accountSid);
  const store = new Store({
    accountSid: seed.accountSid,
    flexInstanceSid: seed.flexInstanceSid,
    now,
    mintSid: (prefix) => minter(prefix),
  });
  store.addRoutingConfiguration({
    workspaces: [seed.workspace],
    workflows: seed.workflows,
    queues: seed.queues,
    taskChannels: seed.taskChannels,
    workers: seed.workers,
  });
  for (const spec of seed.interactions) seedInteraction(store, seed.workspace.sid, spec);
  for (const service of seed.syncServices ?? []) store.sync.createService(service);
  minter = mintSid;
  return store;
}

export function seededInteractions(seed: SeedFile): SeededInteraction[] {
  return seed.interactions.map((i) => ({
    sid: i.sids.interaction!,
    label: i.label,
    channelType: i.channel.type,
    transfers: (i.transfers ?? []).flatMap(({ transfer }) =>
      transfer ? [{ sid: transfer.sid, type: transfer.type, status: transfer.status }] : [],
    ),
  }));
}

/** SIDs the seed does not spell out are derived from the account and their order, so they are stable too. */
function deterministicSids(accountSid: string): (prefix: SidPrefix) => string {
  let counter = 0;
  return (prefix) => {
    counter += 1;
    return prefix + createHash('sha256').update(`${accountSid}:${counter}`).digest('hex').slice(0, 32);
  };
}

function seedInteraction(store: Store, workspaceSid: string, spec: SeedInteraction): void {
  const createdAt = store.now() - spec.createdMinutesAgo * 60_000;
  const interaction = store.createInteraction(
    {
      channel: spec.channel,
      routing: {
        properties: {
          workspace_sid: workspaceSid,
          workflow_sid: spec.routing.workflow,
          queue_sid: spec.routing.queue,
          task_channel_unique_name: spec.routing.taskChannel,
          attributes: spec.routing.attributes,
          ...(spec.routing.priority !== undefined ? { priority: spec.routing.priority } : {}),
          ...(spec.agent ? { worker_sid: spec.agent } : {}),
        },
      },
    },
    { sids: spec.sids, createdAt, assignmentStatus: spec.assignmentStatus },
  );
  const channel = store.find('channel', interaction.channelSids[0]!)!;
  const task = store.find('task', interaction.primaryTaskSid)!;
  if (spec.agent) addAgent(store, channel, task.sid, workspaceSid, spec.agent, createdAt);
  if (spec.rawAttributes !== undefined) store.replaceTaskAttributes(task, spec.rawAttributes);
  for (const extra of spec.extraChannels ?? []) {
    const added = store.addChannel(interaction, { sid: extra.sid, type: extra.type, status: extra.status });
    for (const participant of extra.participants) store.addChannelParticipant(added, participant);
  }
  for (const transfer of spec.transfers ?? []) {
    const invite = store.addInvite(channel, {
      sid: transfer.invite,
      taskSid: transfer.task,
      queueSid: transfer.queue,
      assignmentStatus: transfer.assignmentStatus,
      createdAt: createdAt + transfer.minutesAfter * 60_000,
      ...(transfer.attributes ? { attributes: transfer.attributes } : {}),
    });
    const startedAt = createdAt + transfer.minutesAfter * 60_000;
    if (transfer.agent) addAgent(store, channel, invite.taskSid, workspaceSid, transfer.agent, startedAt);
    if (transfer.transfer) {
      const agentOf = (taskSid: string) => store.participantsOf(channel.sid).find((p) => p.routingProperties?.task_sid === taskSid);
      store.addTransfer(channel, {
        ...transfer.transfer,
        // Spelled out, not minted: a minted SID here would shift every seeded SID minted after it.
        executionSid: 'QW' + transfer.transfer.sid.slice(2),
        from: agentOf(task.sid)?.sid ?? null,
        // The participant who received it; a cold transfer waiting in a queue has none yet, and names the queue.
        to: agentOf(invite.taskSid)?.sid ?? transfer.queue,
        createdAt: startedAt,
      });
    }
  }
  if (spec.conversationDeleted && spec.sids.conversation) store.deleteConversation(spec.sids.conversation);
}

function addAgent(store: Store, channel: ChannelRecord, taskSid: string, workspaceSid: string, workerSid: string, joinedAt: number): void {
  const worker = store.find('worker', workerSid);
  if (!worker) throw new Error(`seed names unknown worker ${workerSid}`);
  store.addChannelParticipant(channel, {
    type: 'agent',
    routingProperties: { workspace_sid: workspaceSid, task_sid: taskSid, worker_sid: worker.sid },
  });
  const conversationSid = safeParseObject(store.find('task', taskSid)?.attributes ?? '').conversationSid;
  if (typeof conversationSid === 'string' && store.find('conversation', conversationSid)) {
    store.addConversationParticipant(conversationSid, {
      identity: worker.identity,
      attributes: { member_type: 'agent', friendlyName: worker.friendlyName },
      messagingBinding: null,
      createdAt: joinedAt,
    });
  }
}
