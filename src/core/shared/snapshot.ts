import type { EnrichmentRequest } from '../request-input';
import type {
  ChannelParticipantResource,
  ChannelResource,
  ConversationParticipantResource,
  ConversationResource,
  InteractionResource,
  InviteResource,
  TaskResource,
} from '../twilio/twilio-gateway';
import { describeInteraction } from '../enrich';

/**
 * What was fetched of one interaction, part by part, each with the time it
 * was fetched: the copy that containers share (one Sync Document per
 * interaction). An answer is built from parts that are fresh enough; a part
 * that is missing or too old is fetched from Twilio and merged in. Pure.
 */

export interface Timed<T> {
  /** Epoch ms when Twilio answered it. */
  at: number;
  value: T;
}

export interface Snapshot {
  v: 1;
  interaction?: Timed<InteractionResource>;
  channels?: Timed<ChannelResource[]>;
  /** By channel SID. */
  participants?: Record<string, Timed<ChannelParticipantResource[]>>;
  invites?: Record<string, Timed<InviteResource[]>>;
  conversation?: Timed<ConversationResource | null>;
  conversationParticipants?: Timed<ConversationParticipantResource[] | null>;
  task?: Timed<TaskResource | null>;
}

export const EMPTY_SNAPSHOT: Snapshot = { v: 1 };

/** The largest Sync Document Twilio stores: 16 KiB of JSON data. */
export const MAX_SHARED_BYTES = 16 * 1024;

/** Parts dropped first when a snapshot is over MAX_SHARED_BYTES: the interaction itself is kept longest. */
const DROP_ORDER = ['invites', 'conversationParticipants', 'participants', 'conversation', 'task', 'channels'] as const;

type Include = EnrichmentRequest['include'];

/** Whether `part` may be used at `now` when parts may be `maxAgeMs` old. */
export function usable(part: Timed<unknown> | undefined, now: number, maxAgeMs: number): boolean {
  return part !== undefined && now - part.at <= maxAgeMs && part.at <= now + 1000;
}

/**
 * Whether `snapshot` holds every part an answer for `include` reads, each at
 * most `maxAgeMs` old: then the answer costs no Twilio call.
 */
export function covers(snapshot: Snapshot, include: Include, now: number, maxAgeMs: number): boolean {
  const ok = (part: Timed<unknown> | undefined) => usable(part, now, maxAgeMs);
  if (!ok(snapshot.interaction)) return false;
  const wants = new Set(include);
  if (wants.has('channels')) {
    if (!ok(snapshot.channels)) return false;
    for (const { sid } of snapshot.channels!.value) {
      if (sid === null) continue;
      if (wants.has('participants') && !ok(snapshot.participants?.[sid])) return false;
      if (wants.has('invites') && !ok(snapshot.invites?.[sid])) return false;
    }
  }
  const described = describeInteraction(snapshot.interaction!.value);
  if (wants.has('conversation') && described.conversationSid)
    if (!ok(snapshot.conversation) || !ok(snapshot.conversationParticipants)) return false;
  if (wants.has('task') && described.taskRef && !ok(snapshot.task)) return false;
  return true;
}

/** Both snapshots' parts, the newer of each. */
export function merge(older: Snapshot, newer: Snapshot): Snapshot {
  const pick = <T>(a: Timed<T> | undefined, b: Timed<T> | undefined) => (a && (!b || a.at > b.at) ? a : b);
  const byChannel = <T>(a: Record<string, Timed<T>> | undefined, b: Record<string, Timed<T>> | undefined) => {
    if (!a && !b) return undefined;
    const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
    return Object.fromEntries([...keys].map((key) => [key, pick(a?.[key], b?.[key])!]));
  };
  return prune({
    v: 1,
    interaction: pick(older.interaction, newer.interaction),
    channels: pick(older.channels, newer.channels),
    participants: byChannel(older.participants, newer.participants),
    invites: byChannel(older.invites, newer.invites),
    conversation: pick(older.conversation, newer.conversation),
    conversationParticipants: pick(older.conversationParticipants, newer.conversationParticipants),
    task: pick(older.task, newer.task),
  });
}

/** The snapshot as Sync stores it, shrunk under MAX_SHARED_BYTES by dropping parts; null if even the interaction is too big. */
export function fitForSharing(snapshot: Snapshot): Snapshot | null {
  let fitted: Snapshot = snapshot;
  for (const part of DROP_ORDER) {
    if (Buffer.byteLength(JSON.stringify(fitted)) <= MAX_SHARED_BYTES) return fitted;
    fitted = { ...fitted };
    delete fitted[part];
  }
  return Buffer.byteLength(JSON.stringify(fitted)) <= MAX_SHARED_BYTES ? fitted : null;
}

/** The oldest time among `times`, or `fallback` when there are none. */
export function oldest(times: number[], fallback: number): number {
  return times.length > 0 ? Math.min(...times) : fallback;
}

/**
 * A snapshot read back from Sync, where anyone with the account's
 * credentials could have written anything: only a well-formed one is used.
 * Each part is checked for its outer shape (timed, the right kind of value);
 * the values were written by this code from the gateway's plain data.
 */
export function readSnapshot(data: unknown): Snapshot | null {
  if (!isObject(data) || data.v !== 1) return null;
  const timed = (part: unknown, value: (v: unknown) => boolean) =>
    part === undefined || (isObject(part) && Number.isFinite(part.at) && value(part.value));
  const byChannel = (parts: unknown) =>
    parts === undefined || (isObject(parts) && Object.values(parts).every((part) => timed(part, Array.isArray)));
  const interaction = (v: unknown) => isObject(v) && typeof v.sid === 'string';
  const nullOr = (check: (v: unknown) => boolean) => (v: unknown) => v === null || check(v);
  const ok =
    timed(data.interaction, interaction) &&
    timed(data.channels, Array.isArray) &&
    byChannel(data.participants) &&
    byChannel(data.invites) &&
    timed(data.conversation, nullOr(isObject)) &&
    timed(data.conversationParticipants, nullOr(Array.isArray)) &&
    timed(data.task, nullOr(isObject));
  return ok ? (data as unknown as Snapshot) : null;
}

function prune(snapshot: Snapshot): Snapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([, part]) => part !== undefined)) as Snapshot;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
