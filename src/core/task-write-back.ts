import type * as JsonText from 'jsonc-parser';
import type { Deadline } from './deadline';
import { isJsonObject } from './json-object';
import { onFirstUse } from './on-first-use';
import type { EnrichedInteraction, WriteBack } from './payload';
import type { TwilioGateway } from './twilio/twilio-gateway';
import { backoffDelay } from './twilio/upstream-http-client';

/**
 * Webhook write-back: the enrichment summary is merged into the TaskRouter
 * task's attributes under one key. Each round reads the task (attributes and
 * ETag) and writes with If-Match; a 412 means someone else wrote first, so
 * the next round merges into their version. Nothing written concurrently by
 * others is lost, nor changed by a byte, and a summary that is already there
 * is not written again.
 * Rounds go on until the deadline: a busy task is a reason to try again, not
 * to give up.
 */

type WriteBackOutcome = WriteBack['outcome'];

/** Short waits between rounds: after a 412 the task has just been written, so a fresh read is worth trying soon. */
const ROUND_BACKOFF = { retryBaseMs: 10, retryMaxDelayMs: 250 };
/** A round (a read, then a write) is not started with less time than this left. */
const MIN_ROUND_MS = 50;

/**
 * Only what stays true for the interaction: no ages or statuses. `fetchedAt` (when these facts were read from Twilio)
 * lets a reader judge how old they are; it is left out of the comparison, so a repeated event writes nothing.
 */
export function writeBackSummary(payload: EnrichedInteraction): Record<string, unknown> {
  return {
    interactionSid: payload.interaction.sid,
    channel: payload.channel,
    customer: payload.customer,
    conversation: { sid: payload.conversation.sid, direction: payload.conversation.direction },
    queueName: payload.task?.queueName ?? null,
    fetchedAt: payload.meta.fetchedAt,
  };
}

/** A summary's facts: the summary without its `fetchedAt`, as JSON text. */
function factsOf(value: unknown): string {
  return JSON.stringify(isJsonObject(value) ? { ...value, fetchedAt: undefined } : value);
}

/** jsonc-parser edits JSON text in place. Required on the first write-back, not when a bundle loads. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonText = onFirstUse(() => require('jsonc-parser') as typeof JsonText);

type Merged =
  { attributes: string; changed: boolean } | { refused: 'attributes_not_json' | 'task_without_interaction' | 'other_interaction' };

/**
 * The attributes text with `summary` under `key`, every other byte as it was:
 * numbers a JavaScript parser would round, duplicate keys and spacing belong
 * to other integrations. Refused when the text is not a strict JSON object, or
 * when the task is not this interaction's: its flexInteractionSid is missing,
 * or names another interaction in any of its occurrences (readers differ on
 * which duplicate wins).
 */
export function mergeSummary(attributes: string | null, key: string, summary: Record<string, unknown>): Merged {
  const text = attributes || '{}';
  // Validity is JSON.parse's: jsonc-parser would also accept comments and trailing commas.
  if (!isJsonObjectText(text)) return { refused: 'attributes_not_json' };
  const json = jsonText();
  const members = topLevelMembers(json.parseTree(text));
  const owners = members.filter((member) => member.key === 'flexInteractionSid').map((member) => json.getNodeValue(member.value));
  if (!owners.some((owner) => typeof owner === 'string' && owner !== '')) return { refused: 'task_without_interaction' };
  if (owners.some((owner) => owner !== summary.interactionSid)) return { refused: 'other_interaction' };

  const written = JSON.stringify(summary);
  const ours = members.filter((member) => member.key === key).map((member) => member.value);
  const factsAt = (node: JsonText.Node) => factsOf(JSON.parse(text.slice(node.offset, node.offset + node.length)));
  if (ours.length > 0 && ours.every((node) => factsAt(node) === factsOf(summary))) return { attributes: text, changed: false };
  // The key repeated: the summary goes into every occurrence, so first-wins and last-wins readers see the same one.
  const edits =
    ours.length > 0
      ? ours.map((node) => ({ offset: node.offset, length: node.length, content: written }))
      : // Without formattingOptions, modify inserts the member and reformats nothing around it.
        json.modify(text, [key], summary, {});
  return { attributes: json.applyEdits(text, edits), changed: true };
}

function isJsonObjectText(text: string): boolean {
  try {
    return isJsonObject(JSON.parse(text));
  } catch {
    return false;
  }
}

/** Each top-level member, duplicates included, with its decoded key. */
function topLevelMembers(root: JsonText.Node | undefined): Array<{ key: unknown; value: JsonText.Node }> {
  return (root?.children ?? []).flatMap((property) => {
    const [name, value] = property.children ?? [];
    return name && value ? [{ key: name.value, value }] : [];
  });
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
    if ('refused' in merged) return result(merged.refused);
    if (!merged.changed) return result('unchanged');
    if (!task.etag) return result('gave_up');
    if ((await gateway.updateTaskAttributes(workspaceSid, taskSid, merged.attributes, task.etag)) === 'updated') return result('written');
    const delayMs = backoffDelay(round, ROUND_BACKOFF, random);
    if (delayMs + MIN_ROUND_MS >= deadline.remaining()) return result('gave_up');
    await deadline.sleep(delayMs, 'writing back to the task');
  }
}
