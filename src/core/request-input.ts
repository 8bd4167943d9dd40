import { badRequest } from './errors';
import { isSid } from './sid';

/**
 * Reading what a caller sent. Twilio Functions hand over an `event` that merges
 * query and body: values may be strings, arrays (repeated fields) or objects
 * (JSON bodies, `a[b]=c` queries). Only what is validated here goes upstream.
 */

export type Event = Record<string, unknown>;

export const INCLUDE_PARTS = ['channels', 'participants', 'conversation', 'task'] as const;
export type IncludePart = (typeof INCLUDE_PARTS)[number];

export interface EnrichmentRequest {
  interactionSid: string;
  /** Canonical: sorted, no duplicates, `participants` implies `channels`. */
  include: IncludePart[];
  /** Skip the warm container's cache and fetch again. */
  fresh: boolean;
}

/** Where a caller may put the Interaction SID, in the order they are read. */
export const INTERACTION_SID_PARAMETERS = ['InteractionSid', 'interactionSid', 'interaction_sid', 'flexInteractionSid'] as const;

const MAX_PARAMETER_LENGTH = 4096;
const MAX_TASK_ATTRIBUTES_LENGTH = 256 * 1024;

/** A parameter that must be one string when present; anything else names the parameter in a 400. */
export function optionalString(event: Event, name: string, maxLength = MAX_PARAMETER_LENGTH): string | undefined {
  const value = event[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest('invalid_request', name, `${name} must be a single string.`);
  if (value.length > maxLength) throw badRequest('invalid_request', name, `${name} is longer than ${maxLength} characters.`);
  return value;
}

export function readInteractionSid(event: Event): string | undefined {
  const given: Array<{ name: string; value: string }> = [];
  for (const name of INTERACTION_SID_PARAMETERS) {
    const value = optionalString(event, name);
    if (value) given.push({ name, value });
  }
  const [first] = given;
  if (!first) return undefined;
  const other = given.find(({ value }) => value !== first.value);
  if (other) throw badRequest('conflicting_parameters', other.name, `${first.name} and ${other.name} name different interactions.`);
  return checkInteractionSid(first.name, first.value);
}

export function checkInteractionSid(parameter: string, value: string): string {
  if (!isSid('interaction', value))
    throw badRequest(
      'invalid_interaction_sid',
      parameter,
      `${parameter} must be a Flex Interaction SID: KD followed by 32 hexadecimal characters.`,
    );
  return value;
}

export function readInclude(event: Event): IncludePart[] {
  const raw = optionalString(event, 'include', 200) ?? optionalString(event, 'Include', 200);
  if (raw === undefined || raw.trim() === '') return [];
  const parts = new Set<IncludePart>();
  for (const token of raw.split(',').map((part) => part.trim().toLowerCase())) {
    if (token === '') continue;
    if (token === 'all') INCLUDE_PARTS.forEach((part) => parts.add(part));
    else if ((INCLUDE_PARTS as readonly string[]).includes(token)) parts.add(token as IncludePart);
    else
      throw badRequest(
        'invalid_include',
        'include',
        `include may list ${INCLUDE_PARTS.join(', ')} or all; "${token.slice(0, 40)}" is not one of them.`,
      );
  }
  if (parts.has('participants')) parts.add('channels');
  return INCLUDE_PARTS.filter((part) => parts.has(part));
}

export function readBoolean(event: Event, name: string): boolean {
  const raw = optionalString(event, name, 10);
  if (raw === undefined || raw === '') return false;
  const value = raw.toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw badRequest('invalid_request', name, `${name} must be true or false.`);
}

export function readEnrichmentRequest(event: Event): EnrichmentRequest {
  const interactionSid = readInteractionSid(event);
  const include = readInclude(event);
  const fresh = readBoolean(event, 'fresh');
  if (interactionSid === undefined)
    throw badRequest(
      'missing_interaction_sid',
      'InteractionSid',
      `Send the Flex Interaction SID as InteractionSid (or ${INTERACTION_SID_PARAMETERS.slice(1).join(', ')}).`,
    );
  return { interactionSid, include, fresh };
}

export interface WebhookEvent {
  /** Undefined when the event carries no interaction: it is acknowledged and skipped. */
  interactionSid: string | undefined;
  eventType: string | undefined;
  taskSid: string | undefined;
  workspaceSid: string | undefined;
  include: IncludePart[];
}

/**
 * A TaskRouter event callback (EventType, TaskSid, WorkspaceSid, TaskAttributes
 * JSON with flexInteractionSid) or any webhook that posts InteractionSid.
 */
export function readWebhookEvent(event: Event): WebhookEvent {
  const eventType = optionalString(event, 'EventType', 128);
  const taskSid = optionalString(event, 'TaskSid', 64);
  const workspaceSid = optionalString(event, 'WorkspaceSid', 64);
  if (taskSid && !isSid('task', taskSid)) throw badRequest('invalid_request', 'TaskSid', 'TaskSid must be a TaskRouter task SID (WT...).');
  if (workspaceSid && !isSid('workspace', workspaceSid))
    throw badRequest('invalid_request', 'WorkspaceSid', 'WorkspaceSid must be a TaskRouter workspace SID (WS...).');
  const fromParameters = readInteractionSid(event);
  const fromAttributes = interactionSidInTaskAttributes(event);
  if (fromParameters && fromAttributes && fromParameters !== fromAttributes)
    throw badRequest(
      'conflicting_parameters',
      'TaskAttributes',
      'TaskAttributes.flexInteractionSid and InteractionSid name different interactions.',
    );
  return {
    interactionSid: fromParameters ?? fromAttributes,
    eventType,
    taskSid: taskSid || undefined,
    workspaceSid: workspaceSid || undefined,
    include: readInclude(event),
  };
}

function interactionSidInTaskAttributes(event: Event): string | undefined {
  const raw = event.TaskAttributes;
  if (raw === undefined || raw === null || raw === '') return undefined;
  let attributes: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAX_TASK_ATTRIBUTES_LENGTH)
      throw badRequest('invalid_request', 'TaskAttributes', `TaskAttributes is larger than ${MAX_TASK_ATTRIBUTES_LENGTH} characters.`);
    try {
      attributes = JSON.parse(raw);
    } catch {
      throw badRequest('invalid_request', 'TaskAttributes', 'TaskAttributes must be a JSON object.');
    }
  }
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
    throw badRequest('invalid_request', 'TaskAttributes', 'TaskAttributes must be a JSON object.');
  const sid = (attributes as Record<string, unknown>).flexInteractionSid;
  if (sid === undefined || sid === null || sid === '') return undefined;
  if (typeof sid !== 'string')
    throw badRequest('invalid_interaction_sid', 'TaskAttributes', 'TaskAttributes.flexInteractionSid must be a string.');
  return checkInteractionSid('TaskAttributes.flexInteractionSid', sid);
}

/** A Flex token as a Flex plugin sends it: the `Token` parameter. */
export function readFlexToken(event: Event): string | undefined {
  const token = optionalString(event, 'Token', 16_384);
  return token === undefined || token.trim() === '' ? undefined : token.trim();
}

/** Request headers as the Functions runtime passes them in `event.request.headers` (lower-case names). */
export function requestHeader(event: Event, name: string): string | undefined {
  const request = event.request;
  if (typeof request !== 'object' || request === null) return undefined;
  const headers = (request as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
