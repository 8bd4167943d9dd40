import { badRequest } from './errors';
import { isJsonObject } from './json-object';
import {
  INCLUDE_PARAMETERS,
  INCLUDE_PARTS,
  INTERACTION_SID_PARAMETERS,
  REQUEST_PARAMETERS,
  TRANSFER_SID_PARAMETERS,
  type IncludePart,
} from './request-parameters';
import { isSid } from './sid';

/**
 * Reading what a caller sent. Twilio Functions hand over an `event` that merges
 * query and body: values may be strings, arrays (repeated fields) or objects
 * (JSON bodies, `a[b]=c` queries). Only what is validated here goes upstream.
 */

export type Event = Record<string, unknown>;

export interface EnrichmentRequest {
  interactionSid: string;
  /** Canonical: sorted, no duplicates, `participants` and `invites` imply `channels`. */
  include: IncludePart[];
  /** A transfer of this interaction to describe too (UX...). */
  transferSid?: string;
  /** Skip the warm container's cache and fetch again. */
  fresh: boolean;
}

const MAX_PARAMETER_LENGTH = 4096;
/** The longest value of each parameter, as src/core/request-parameters.ts declares it. */
const longest = (name: keyof typeof REQUEST_PARAMETERS) => REQUEST_PARAMETERS[name].maxLength;
const MAX_TASK_ATTRIBUTES_LENGTH = longest('TaskAttributes');

/** A parameter that must be one string when present; anything else names the parameter in a 400. */
export function optionalString(event: Event, name: string, maxLength = MAX_PARAMETER_LENGTH): string | undefined {
  const value = event[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest('invalid_request', name, `${name} must be a single string.`);
  if (value.length > maxLength) throw badRequest('invalid_request', name, `${name} is longer than ${maxLength} characters.`);
  return value;
}

/**
 * One value under several names (InteractionSid or interactionSid, include or
 * Include): each name present is read and checked, and names that disagree
 * are a 400, so no spelling quietly wins over another.
 */
function readUnderAliases<T>(
  event: Event,
  names: readonly string[],
  read: (name: string) => T | undefined,
  describe: (first: string, other: string) => string,
): T | undefined {
  let first: { name: string; value: T } | undefined;
  for (const name of names) {
    const value = read(name);
    if (value === undefined) continue;
    if (!first) first = { name, value };
    else if (JSON.stringify(value) !== JSON.stringify(first.value))
      throw badRequest('conflicting_parameters', name, describe(first.name, name));
  }
  return first?.value;
}

export function readInteractionSid(event: Event): string | undefined {
  return readUnderAliases(
    event,
    INTERACTION_SID_PARAMETERS,
    (name) => {
      const value = optionalString(event, name, longest('InteractionSid'));
      return value ? checkInteractionSid(name, value) : undefined;
    },
    (first, other) => `${first} and ${other} name different interactions.`,
  );
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
  const include = readUnderAliases(
    event,
    INCLUDE_PARAMETERS,
    (name) => parseInclude(name, optionalString(event, name, longest('include'))),
    (first, other) => `${first} and ${other} ask for different parts.`,
  );
  return include ?? [];
}

function parseInclude(name: string, raw: string | undefined): IncludePart[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const parts = new Set<IncludePart>();
  for (const token of raw.split(',').map((part) => part.trim().toLowerCase())) {
    if (token === '') continue;
    if (token === 'all') INCLUDE_PARTS.forEach((part) => parts.add(part));
    else if ((INCLUDE_PARTS as readonly string[]).includes(token)) parts.add(token as IncludePart);
    else
      throw badRequest(
        'invalid_include',
        name,
        `${name} may list ${INCLUDE_PARTS.join(', ')} or all; "${token.slice(0, 40)}" is not one of them.`,
      );
  }
  if (parts.has('participants') || parts.has('invites')) parts.add('channels');
  return INCLUDE_PARTS.filter((part) => parts.has(part));
}

export function readTransferSid(event: Event): string | undefined {
  return readUnderAliases(
    event,
    TRANSFER_SID_PARAMETERS,
    (name) => {
      const value = optionalString(event, name, longest('TransferSid'));
      if (!value) return undefined;
      if (!isSid('transfer', value))
        throw badRequest(
          'invalid_request',
          name,
          `${name} must be a Flex Interaction Transfer SID: UX followed by 32 hexadecimal characters.`,
        );
      return value;
    },
    (first, other) => `${first} and ${other} name different transfers.`,
  );
}

/** `fresh`: a JSON boolean, or the text true, false, 1 or 0 (forms and queries carry only text). */
export function readFresh(event: Event): boolean {
  const given = event.fresh;
  if (typeof given === 'boolean') return given;
  const raw = optionalString(event, 'fresh', longest('fresh'));
  if (raw === undefined || raw === '') return false;
  const value = raw.toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw badRequest('invalid_request', 'fresh', 'fresh must be true or false.');
}

export function readEnrichmentRequest(event: Event): EnrichmentRequest {
  const interactionSid = readInteractionSid(event);
  const include = readInclude(event);
  const transfer = transferOf(event);
  const fresh = readFresh(event);
  if (interactionSid === undefined)
    throw badRequest(
      'missing_interaction_sid',
      'InteractionSid',
      `Send the Flex Interaction SID as InteractionSid (or ${INTERACTION_SID_PARAMETERS.slice(1).join(', ')}).`,
    );
  return { interactionSid, include, ...transfer, fresh };
}

export interface WebhookEvent {
  /** Undefined when the event carries no interaction: it is acknowledged and skipped. */
  interactionSid: string | undefined;
  eventType: string | undefined;
  taskSid: string | undefined;
  workspaceSid: string | undefined;
  include: IncludePart[];
  transferSid?: string;
  fresh: boolean;
}

/**
 * A TaskRouter event callback (EventType, TaskSid, WorkspaceSid, TaskAttributes
 * JSON with flexInteractionSid) or any webhook that posts InteractionSid.
 */
export function readWebhookEvent(event: Event): WebhookEvent {
  const eventType = optionalString(event, 'EventType', longest('EventType'));
  const taskSid = optionalString(event, 'TaskSid', longest('TaskSid'));
  const workspaceSid = optionalString(event, 'WorkspaceSid', longest('WorkspaceSid'));
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
    ...transferOf(event),
    fresh: readFresh(event),
  };
}

function transferOf(event: Event): { transferSid?: string } {
  const transferSid = readTransferSid(event);
  return transferSid ? { transferSid } : {};
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
  if (!isJsonObject(attributes)) throw badRequest('invalid_request', 'TaskAttributes', 'TaskAttributes must be a JSON object.');
  const sid = attributes.flexInteractionSid;
  if (sid === undefined || sid === null || sid === '') return undefined;
  if (typeof sid !== 'string')
    throw badRequest('invalid_interaction_sid', 'TaskAttributes', 'TaskAttributes.flexInteractionSid must be a string.');
  return checkInteractionSid('TaskAttributes.flexInteractionSid', sid);
}

/**
 * A Flex token as a Flex plugin sends it: `Token` in the body of a POST, with
 * the other parameters. URLs are logged (by the runtime, proxies and
 * browsers' histories), so a token that may have come in the URL is refused.
 * The runtime merges the query and the body into one event and shows the
 * function nothing of the URL (Host, Referer and X-Forwarded-* are withheld:
 * docs/reliability.md), so the body's Content-Length is the one witness: a
 * body too short to hold every parameter of the event did not hold them all,
 * and whichever came in the URL, the token is not to be trusted there. A
 * request with no body at all (a GET) carried everything in the URL.
 */
export const TOKEN_BELONGS_IN_THE_BODY =
  'Send Token in the body of a POST (form or JSON), with every other parameter, never in the URL: URLs are written to logs.';

export function readFlexToken(event: Event, headers: RequestHeaders): string | undefined {
  const token = optionalString(event, 'Token', longest('Token'));
  if (token === undefined || token.trim() === '') return undefined;
  if (!bodyCouldHoldEveryParameter(event, headers)) throw badRequest('invalid_request', 'Token', TOKEN_BELONGS_IN_THE_BODY);
  return token.trim();
}

function bodyCouldHoldEveryParameter(event: Event, headers: RequestHeaders): boolean {
  if (headerValue(headers, 'content-type') === undefined) return false;
  const length = headerValue(headers, 'content-length');
  // A chunked body carries no length: it cannot be measured, and is a body all the same.
  if (length === undefined) return true;
  // `request` is the runtime's own (headers and cookies), never the body's.
  const parameters = Object.fromEntries(Object.entries(event).filter(([name]) => name !== 'request'));
  return Number(length) >= leastEncodedBytes(parameters);
}

/**
 * The fewest bytes any body (form, JSON or multipart) takes to carry these parameters: every name and every string
 * value in UTF-8, one byte for any other value, one separator per name (`=` in a form, `:` in JSON), and nothing for
 * the quotes and escapes that an encoder may add. A token sent in the URL beside a body of other parameters is caught
 * unless their encoding grows them by the token's length (docs/reliability.md says what that leaves open).
 */
export function leastEncodedBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + leastEncodedBytes(item), 0);
  if (isJsonObject(value))
    return Object.entries(value).reduce((sum, [name, item]) => sum + Buffer.byteLength(name, 'utf8') + 1 + leastEncodedBytes(item), 0);
  return 1;
}

export type RequestHeaders = Readonly<Record<string, string | readonly string[]>>;

/**
 * The request's headers, as the runtime passes them in `event.request`
 * (lower-case names). The runtime spreads the query and the body over that
 * object, so a parameter named `request` would replace the real headers: an
 * event whose `request` is not the runtime's `{ headers, cookies }` is refused.
 * An event without one (a handler called directly) has no headers.
 */
export function readRequestHeaders(event: Event): RequestHeaders {
  const request = event.request;
  if (request === undefined) return {};
  if (!isJsonObject(request) || !isHeaders(request.headers) || !isJsonObject(request.cookies))
    throw badRequest(
      'invalid_request',
      'request',
      "request is the name the Functions runtime gives the request's headers and cookies: send no parameter named request.",
    );
  return request.headers;
}

export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * A caller's own X-Request-Id, kept for tracing when it is 8 to 64 plain characters; anything else
 * (markup, a line break for a log) is not echoed, and the request gets an id of its own.
 */
export function callerRequestId(value: string | readonly string[] | undefined): string | undefined {
  const first = typeof value === 'string' ? value : value?.[0];
  return first !== undefined && REQUEST_ID_PATTERN.test(first) ? first : undefined;
}

function isHeaders(value: unknown): value is RequestHeaders {
  return (
    isJsonObject(value) &&
    Object.values(value).every(
      (header) => typeof header === 'string' || (Array.isArray(header) && header.every((item) => typeof item === 'string')),
    )
  );
}
