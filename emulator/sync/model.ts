import { isSid, SID_PREFIX, type SidPrefix } from '../sids';
import { errors, TwilioApiError } from '../twilio-error';

/**
 * The emulator's model of Twilio Sync: Services and their Documents. A Document is one JSON object of at most
 * 16 KiB, addressed by its SID or its unique name, with a revision that every write moves on (the ETag a
 * conditional update names in If-Match) and an optional time to live, past which it is gone. Routes translate
 * the wire format; the rules Twilio enforces live here.
 */

/** Twilio's bound on a Document's data, serialized (https://www.twilio.com/docs/sync/limits). */
export const MAX_DOCUMENT_DATA_BYTES = 16 * 1024;
/** The longest unique name the Document resource takes (https://www.twilio.com/docs/sync/api/document-resource). */
const MAX_UNIQUE_NAME_LENGTH = 320;
/** A year, the longest time to live the emulator takes. */
export const MAX_TTL_SECONDS = 31_536_000;
/** Whom Twilio names as the creator of what the REST API creates. */
const REST_CREATOR = 'system';

export interface SyncServiceRecord {
  readonly sid: string;
  readonly uniqueName: string | null;
  readonly friendlyName: string | null;
  readonly webhookUrl: string | null;
  readonly webhooksFromRestEnabled: boolean;
  readonly reachabilityWebhooksEnabled: boolean;
  readonly aclEnabled: boolean;
  readonly reachabilityDebouncingEnabled: boolean;
  readonly reachabilityDebouncingWindow: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type SyncServiceSpec = Partial<Omit<SyncServiceRecord, 'createdAt' | 'updatedAt'>>;

export interface DocumentRecord {
  readonly sid: string;
  readonly serviceSid: string;
  readonly uniqueName: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  /** Moves on by one with every write, from "0". */
  readonly revision: string;
  readonly createdBy: string;
  /** Epoch ms; null when it never expires. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class SyncModel {
  readonly #services = new Map<string, SyncServiceRecord>();
  readonly #documents = new Map<string, Mutable<DocumentRecord>>();
  /** `serviceSid/uniqueName` to the Document's SID. */
  readonly #byName = new Map<string, string>();

  constructor(
    private readonly mintSid: (prefix: SidPrefix) => string,
    readonly now: () => number,
  ) {}

  services(): SyncServiceRecord[] {
    return [...this.#services.values()];
  }

  /** Twilio addresses a Service by its SID or its unique name; Twilio's 404 when there is none. */
  service(sidOrUniqueName: string, path: string): SyncServiceRecord {
    return found(this.findService(sidOrUniqueName), path);
  }

  findService(sidOrUniqueName: string): SyncServiceRecord | undefined {
    return this.#services.get(sidOrUniqueName) ?? this.services().find((s) => s.uniqueName === sidOrUniqueName);
  }

  createService(spec: SyncServiceSpec): SyncServiceRecord {
    if (
      spec.reachabilityDebouncingWindow !== undefined &&
      (spec.reachabilityDebouncingWindow < 1000 || spec.reachabilityDebouncingWindow > 30_000)
    )
      throw errors.invalidParameter('ReachabilityDebouncingWindow', 'must be between 1000 and 30000');
    if (spec.uniqueName && this.findService(spec.uniqueName)) throw syncErrors.uniqueNameTaken();
    const createdAt = this.now();
    const service: SyncServiceRecord = {
      sid: spec.sid ?? this.mintSid(SID_PREFIX.syncService),
      uniqueName: spec.uniqueName ?? null,
      friendlyName: spec.friendlyName ?? null,
      webhookUrl: spec.webhookUrl ?? null,
      webhooksFromRestEnabled: spec.webhooksFromRestEnabled ?? false,
      reachabilityWebhooksEnabled: spec.reachabilityWebhooksEnabled ?? false,
      aclEnabled: spec.aclEnabled ?? false,
      reachabilityDebouncingEnabled: spec.reachabilityDebouncingEnabled ?? false,
      reachabilityDebouncingWindow: spec.reachabilityDebouncingWindow ?? 5000,
      createdAt,
      updatedAt: createdAt,
    };
    this.#services.set(service.sid, service);
    return service;
  }

  /** A Document of the Service by its SID or unique name; Twilio's 404 when there is none, or it has expired. */
  document(service: SyncServiceRecord, sidOrUniqueName: string, path: string): DocumentRecord {
    return found(this.#liveDocument(service.sid, sidOrUniqueName), path);
  }

  /** The Service's Documents that have not expired, oldest first. */
  documentsOf(service: SyncServiceRecord): DocumentRecord[] {
    return [...this.#documents.values()].filter((d) => d.serviceSid === service.sid && this.#alive(d));
  }

  /**
   * What Twilio's per-object rate limit counts a request against: the Document the request names (by SID or
   * unique name, either way the same object), or for a Document yet to be created, the unique name it will have.
   * Undefined when the request names no object (an anonymous create) or a Service there is none of.
   */
  objectKey(serviceSidOrUniqueName: string, sidOrUniqueName: string | undefined): string | undefined {
    const service = this.findService(serviceSidOrUniqueName);
    if (!service || sidOrUniqueName === undefined) return undefined;
    const document = this.#liveDocument(service.sid, sidOrUniqueName);
    const uniqueName = document ? document.uniqueName : isSid(SID_PREFIX.syncDocument, sidOrUniqueName) ? null : sidOrUniqueName;
    return uniqueName === null ? (document?.sid ?? sidOrUniqueName) : nameKey(service.sid, uniqueName);
  }

  createDocument(
    service: SyncServiceRecord,
    spec: { uniqueName?: string; data?: Record<string, unknown>; ttlSeconds?: number },
  ): DocumentRecord {
    if (spec.uniqueName !== undefined) {
      checkUniqueName(spec.uniqueName);
      if (this.#liveDocument(service.sid, spec.uniqueName)) throw syncErrors.uniqueNameTaken();
    }
    const data = checkedData(spec.data ?? {});
    const createdAt = this.now();
    const document: DocumentRecord = {
      sid: this.mintSid(SID_PREFIX.syncDocument),
      serviceSid: service.sid,
      uniqueName: spec.uniqueName ?? null,
      data,
      revision: '0',
      createdBy: REST_CREATOR,
      expiresAt: expiry(createdAt, spec.ttlSeconds),
      createdAt,
      updatedAt: createdAt,
    };
    this.#documents.set(document.sid, { ...document });
    if (document.uniqueName !== null) this.#byName.set(nameKey(service.sid, document.uniqueName), document.sid);
    return this.#documents.get(document.sid)!;
  }

  /**
   * New data, a new time to live (counted from now), or both; the revision moves on. With `ifMatch`, only if the
   * Document is still at that revision: else Sync's 412 (code 54103), and nothing changes.
   */
  updateDocument(
    document: DocumentRecord,
    change: { data?: Record<string, unknown>; ttlSeconds?: number; ifMatch?: string | string[] },
  ): DocumentRecord {
    const stored = this.#documents.get(document.sid);
    if (!stored || !this.#alive(stored)) throw errors.notFound(`/v1/Services/${document.serviceSid}/Documents/${document.sid}`);
    if (change.ifMatch !== undefined && !revisionMatches(change.ifMatch, stored.revision)) throw syncErrors.revisionMismatch();
    const now = this.now();
    if (change.data !== undefined) stored.data = checkedData(change.data);
    if (change.ttlSeconds !== undefined) stored.expiresAt = expiry(now, change.ttlSeconds);
    stored.revision = String(Number(stored.revision) + 1);
    stored.updatedAt = now;
    return stored;
  }

  deleteDocument(document: DocumentRecord): void {
    this.#documents.delete(document.sid);
    if (document.uniqueName !== null) this.#byName.delete(nameKey(document.serviceSid, document.uniqueName));
  }

  /** By SID or unique name; an expired Document is dropped as it is found, as Twilio deletes it once it expires. */
  #liveDocument(serviceSid: string, sidOrUniqueName: string): DocumentRecord | undefined {
    const sid = this.#byName.get(nameKey(serviceSid, sidOrUniqueName)) ?? sidOrUniqueName;
    const document = this.#documents.get(sid);
    if (document?.serviceSid !== serviceSid) return undefined;
    if (this.#alive(document)) return document;
    this.deleteDocument(document);
    return undefined;
  }

  #alive(document: DocumentRecord): boolean {
    return document.expiresAt === null || this.now() < document.expiresAt;
  }
}

/** Sync's own error codes (https://www.twilio.com/docs/api/errors, 54xxx), with the statuses the emulator answers them with. */
export const syncErrors = {
  uniqueNameTaken: () => new TwilioApiError(409, 54301, 'Unique name already exists'),
  invalidUniqueName: () =>
    new TwilioApiError(400, 54302, `Invalid unique name: it must be 1 to ${MAX_UNIQUE_NAME_LENGTH} characters and not look like a SID`),
  revisionMismatch: () => new TwilioApiError(412, 54103, 'Document revision mismatch'),
  invalidIfMatch: () => new TwilioApiError(400, 54003, 'Invalid If-Match header'),
  invalidData: (why: string) => new TwilioApiError(400, 54101, `Invalid Document data: ${why}`),
  dataTooLarge: () => new TwilioApiError(413, 54006, 'Request entity too large'),
};

const nameKey = (serviceSid: string, uniqueName: string) => `${serviceSid}/${uniqueName}`;

function found<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw errors.notFound(path);
  return value;
}

function checkUniqueName(uniqueName: string): void {
  if (uniqueName.length < 1 || uniqueName.length > MAX_UNIQUE_NAME_LENGTH || /^[A-Z]{2}[0-9a-fA-F]{32}$/.test(uniqueName))
    throw syncErrors.invalidUniqueName();
}

function checkedData(data: Record<string, unknown>): Record<string, unknown> {
  if (Buffer.byteLength(JSON.stringify(data), 'utf8') > MAX_DOCUMENT_DATA_BYTES) throw syncErrors.dataTooLarge();
  return data;
}

/** A time to live of 0 (or none) never expires. */
function expiry(from: number, ttlSeconds: number | undefined): number | null {
  if (ttlSeconds === undefined || ttlSeconds === 0) return null;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > MAX_TTL_SECONDS)
    throw errors.invalidParameter('Ttl', `must be a whole number of seconds from 0 to ${MAX_TTL_SECONDS}`);
  return from + ttlSeconds * 1000;
}

/** If-Match names a revision, quoted as an ETag or not, or `*`; a value that is no revision is Sync's 54003. */
function revisionMatches(ifMatch: string | string[], revision: string): boolean {
  const candidates = (Array.isArray(ifMatch) ? ifMatch.join(',') : ifMatch).split(',').map((tag) => tag.trim().replace(/^"(.*)"$/, '$1'));
  if (candidates.some((tag) => tag !== '*' && !/^\d{1,15}$/.test(tag))) throw syncErrors.invalidIfMatch();
  return candidates.some((tag) => tag === '*' || tag === revision);
}
