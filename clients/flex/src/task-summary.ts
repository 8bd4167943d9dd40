import type { EnrichedInteraction } from './generated/enriched-interaction.js';
import { isObject, parseJson } from './json.js';

/**
 * What the webhook's write-back puts in a task's attributes (under WEBHOOK_WRITE_BACK_KEY): a few fields of the
 * enriched payload that stay true for the interaction, and `fetchedAt`, when they were read from Twilio. The server's
 * `writeBackSummary` writes it; test/client/task-summary.test.ts holds `summaryOf` to the same fields.
 */
export interface TaskEnrichmentSummary {
  interactionSid: EnrichedInteraction['interaction']['sid'];
  channel: EnrichedInteraction['channel'];
  customer: EnrichedInteraction['customer'];
  conversation: Pick<EnrichedInteraction['conversation'], 'sid' | 'direction'>;
  /** The task's queue when the summary was written (Flex's own `task.queueName` is the queue now). */
  queueName: NonNullable<EnrichedInteraction['task']>['queueName'];
  fetchedAt: EnrichedInteraction['meta']['fetchedAt'];
}

/** The summary of an enriched payload, as the write-back would write it. */
export function summaryOf(payload: EnrichedInteraction): TaskEnrichmentSummary {
  return {
    interactionSid: payload.interaction.sid,
    channel: payload.channel,
    customer: payload.customer,
    conversation: { sid: payload.conversation.sid, direction: payload.conversation.direction },
    queueName: payload.task?.queueName ?? null,
    fetchedAt: payload.meta.fetchedAt,
  };
}

type Attributes = Record<string, unknown>;

/** A task's attributes as Flex's ITask holds them (an object), or as TaskRouter sends them (JSON text). */
export function attributesOf(task: { attributes?: unknown }): Attributes {
  const attributes = typeof task.attributes === 'string' ? parseJson(task.attributes) : task.attributes;
  return isObject(attributes) ? attributes : {};
}

const isText = (value: unknown): value is string | null => value === null || typeof value === 'string';

function textFields<K extends string>(value: unknown, keys: readonly K[]): Record<K, string | null> | undefined {
  if (!isObject(value) || !keys.every((key) => isText(value[key]))) return undefined;
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Record<K, string | null>;
}

/**
 * The summary under `key`, when it is one and is this task's interaction's; undefined otherwise (absent, written by
 * someone else, or in another shape). Only the summary's own fields are kept.
 */
export function readSummary(attributes: Attributes, key: string, interactionSid: string): TaskEnrichmentSummary | undefined {
  const written = attributes[key];
  if (!isObject(written) || written.interactionSid !== interactionSid) return undefined;
  const channel = textFields(written.channel, ['sid', 'type']);
  const customer = textFields(written.customer, ['name', 'address', 'from', 'phone', 'email']);
  const conversation = textFields(written.conversation, ['sid', 'direction']);
  const { queueName, fetchedAt } = written;
  if (!channel || !customer || !conversation || !isText(queueName) || typeof fetchedAt !== 'string') return undefined;
  const { direction } = conversation;
  if (direction !== null && direction !== 'inbound' && direction !== 'outbound') return undefined;
  if (Number.isNaN(Date.parse(fetchedAt))) return undefined;
  return { interactionSid, channel, customer, conversation: { sid: conversation.sid, direction }, queueName, fetchedAt };
}
