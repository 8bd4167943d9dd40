import type { Deadline } from './deadline';
import type { EnrichedInteraction, WriteBack } from './payload';
import type { TwilioGateway } from './twilio/twilio-gateway';
import { backoffDelay } from './twilio/upstream-http-client';

/**
 * Webhook write-back: the enrichment summary is merged into the TaskRouter
 * task's attributes under one key. Each round reads the task (attributes and
 * ETag) and writes with If-Match; a 412 means someone else wrote first, so
 * the next round merges into their version. Nothing written concurrently by
 * others is lost, and a summary that is already there is not written again.
 * Rounds go on until the deadline: a busy task is a reason to try again, not
 * to give up.
 */

type WriteBackOutcome = WriteBack['outcome'];

/** Short waits between rounds: after a 412 the task has just been written, so a fresh read is worth trying soon. */
const ROUND_BACKOFF = { retryBaseMs: 10, retryMaxDelayMs: 250 };
/** A round (a read, then a write) is not started with less time than this left. */
const MIN_ROUND_MS = 50;

/** Only what stays true for the interaction: no ages, statuses or timestamps, so a repeated event writes nothing. */
export function writeBackSummary(payload: EnrichedInteraction): Record<string, unknown> {
  return {
    interactionSid: payload.interaction.sid,
    channel: payload.channel,
    customer: payload.customer,
    conversation: { sid: payload.conversation.sid, direction: payload.conversation.direction },
    queueName: payload.task?.queueName ?? null,
  };
}

/**
 * The attributes with `summary` under `key`, or why they cannot be merged: not
 * a JSON object, or a task that belongs to another interaction (its
 * flexInteractionSid names another one), which must not be written to.
 */
export function mergeSummary(
  attributes: string | null,
  key: string,
  summary: Record<string, unknown>,
): { attributes: string; changed: boolean } | { invalid: true } | { otherInteraction: true } {
  let current: unknown;
  try {
    current = attributes === null || attributes === '' ? {} : JSON.parse(attributes);
  } catch {
    return { invalid: true };
  }
  if (typeof current !== 'object' || current === null || Array.isArray(current)) return { invalid: true };
  const owner = (current as Record<string, unknown>).flexInteractionSid;
  if (typeof owner === 'string' && owner !== summary.interactionSid) return { otherInteraction: true };
  const existing = (current as Record<string, unknown>)[key];
  if (JSON.stringify(existing) === JSON.stringify(summary)) return { attributes: attributes ?? '{}', changed: false };
  return { attributes: JSON.stringify({ ...current, [key]: summary }), changed: true };
}

export async function writeBackToTask(options: {
  gateway: TwilioGateway;
  workspaceSid: string;
  taskSid: string;
  key: string;
  summary: Record<string, unknown>;
  deadline: Deadline;
  random?: () => number;
}): Promise<WriteBack> {
  const { gateway, workspaceSid, taskSid, key, summary, deadline } = options;
  const random = options.random ?? Math.random;
  for (let round = 1; ; round += 1) {
    const task = await gateway.fetchTask(workspaceSid, taskSid);
    const result = (outcome: WriteBackOutcome) => ({ outcome, key, taskSid, rounds: round });
    if (!task) return result('task_not_found');
    const merged = mergeSummary(task.attributes, key, summary);
    if ('invalid' in merged) return result('attributes_not_json');
    if ('otherInteraction' in merged) return result('other_interaction');
    if (!merged.changed) return result('unchanged');
    if (!task.etag) return result('gave_up');
    if ((await gateway.updateTaskAttributes(workspaceSid, taskSid, merged.attributes, task.etag)) === 'updated') return result('written');
    const delayMs = backoffDelay(round, ROUND_BACKOFF, random);
    if (delayMs + MIN_ROUND_MS >= deadline.remaining()) return result('gave_up');
    await deadline.sleep(delayMs, 'writing back to the task');
  }
}
