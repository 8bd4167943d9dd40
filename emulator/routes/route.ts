import type { SyncAccess } from '../rate-limits';
import type { Product } from '../representations';
import type { Store } from '../store';
import { isSid, type SidPrefix } from '../sids';
import { errors } from '../twilio-error';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface ApiRequest {
  /** The request path without its query, as Twilio quotes it in a 404. */
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface ApiResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One Twilio operation: what twilio-oai calls it, where it lives, and what it does. */
export interface ApiRoute {
  operationId: string;
  product: Product;
  method: Method;
  /** Fastify pattern, e.g. `/v1/Interactions/:Sid`. */
  path: string;
  /** The SID prefix each path parameter must carry; a malformed SID is a 404, as on Twilio. */
  sids: Record<string, SidPrefix>;
  /** How the request body arrives when it is not a form or JSON: file uploads come as multipart/form-data. */
  body?: 'multipart';
  /**
   * A read or a write of one Sync object, which Twilio's rate limits count per object: `object` names it (see
   * SyncModel.objectKey), or answers undefined when the request names none.
   */
  syncAccess?: { kind: SyncAccess; object: (request: ApiRequest, store: Store) => string | undefined };
  handle: (request: ApiRequest, store: Store) => ApiResult;
}

export function checkPathSids(route: ApiRoute, request: ApiRequest): void {
  for (const [name, prefix] of Object.entries(route.sids)) {
    const value = request.params[name];
    if (value === undefined || !isSid(prefix, value)) throw errors.notFound(request.path);
  }
}

/** A form field that must be a single string when present (repeated fields are refused). */
export function formString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw errors.invalidParameter(name, 'must be a single value');
  return value;
}

/**
 * A form field holding a JSON object, as the helper serializes Channel, Routing and the like; `invalid` makes the
 * error for one that is not (Twilio's 400, code 20001, unless a product has its own).
 */
export function formJsonObject(
  body: Record<string, unknown>,
  name: string,
  invalid: (why: string) => Error = (why) => errors.invalidParameter(name, why),
): Record<string, unknown> | undefined {
  const text = formString(body, name);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** A form field that may be repeated (`FunctionVersions=ZN1&FunctionVersions=ZN2`); absent is an empty list. */
export function formStrings(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((item) => typeof item === 'string')) throw errors.invalidParameter(name, 'must be text');
  return values as string[];
}

export function formBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = formString(body, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw errors.invalidParameter(name, 'must be true or false');
  return value === 'true';
}

export function formEnum<T extends string>(body: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = formString(body, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw errors.invalidParameter(name, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** A body with no field but `known`: a body the emulator cannot read is refused, not guessed at. */
export function onlyFields(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).find((key) => !known.includes(key));
  if (unknown !== undefined) throw errors.invalidParameter(unknown, `is not one of ${known.join(', ')}`);
}

/** A JSON body's text field: absent or null is undefined; anything else must be 1 to 256 characters. */
export function bodyText(body: Record<string, unknown>, name: string): string | undefined {
  if (body[name] === null) return undefined;
  const value = formString(body, name);
  if (value === '' || (value?.length ?? 0) > 256) throw errors.invalidParameter(name, 'must be a non-empty string');
  return value;
}

export function formInteger(body: Record<string, unknown>, name: string): number | undefined {
  const value = formString(body, name);
  if (value === undefined) return undefined;
  if (!/^-?\d{1,9}$/.test(value)) throw errors.invalidParameter(name, 'must be an integer');
  return Number(value);
}
