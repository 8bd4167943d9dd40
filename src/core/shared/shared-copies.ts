import { asEnrichmentError } from '../errors';
import type { Logger } from '../logger';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import { fitForSharing, merge, readSnapshot, type Snapshot } from './snapshot';

/** Someone fetching the parts an interaction's copy lacks, so that others wait for it instead of fetching too. */
export interface Claim {
  by: string;
  /** Epoch ms after which the claim no longer holds (its holder may have died). */
  until: number;
}

export interface SharedEntry {
  snapshot: Snapshot;
  claim: Claim | null;
  /** The store's version of the entry, for conditional writes. */
  revision: string | null;
}

/**
 * The copy of each interaction that every container may read, with the
 * three things the enrichment asks of it: read a copy, claim the fetching of
 * what it lacks (single flight), write what was fetched. A store that fails
 * or is over its limits is simply not there: reads give null, claims and
 * writes are skipped, and the enrichment goes to Twilio as it would without.
 */
export interface SharedCopies {
  read(interactionSid: string): Promise<SharedEntry | null>;
  /** The entry, now claimed by `claim`; null when another container changed it first (then read it again). */
  claim(interactionSid: string, entry: SharedEntry | null, claim: Claim): Promise<SharedEntry | null>;
  /** Merges `fetched` into the copy (and lifts the writer's claim). */
  write(interactionSid: string, entry: SharedEntry | null, fetched: Snapshot): Promise<void>;
}

/** Without SYNC_SERVICE_SID: nothing is shared, and no call is made. */
export const NO_SHARED_COPIES: SharedCopies = {
  read: async () => null,
  claim: async (_sid, entry, claim) => ({ snapshot: entry?.snapshot ?? { v: 1 }, claim, revision: null }),
  write: async () => undefined,
};

/** How many times a write meets another container's write and merges again before giving up. */
const WRITE_ROUNDS = 3;

/** The Sync Document of an interaction: one object per interaction, within Sync's per-object limits. */
export function documentName(interactionSid: string): string {
  return `enrichment.${interactionSid}`;
}

/**
 * Shared copies in Twilio Sync Documents, through the gateway (and so with
 * its retries, its retry budget and the invocation's deadline). Every
 * document is written with a TTL, so copies of finished interactions go away
 * by themselves.
 */
export class SyncSharedCopies implements SharedCopies {
  constructor(
    private readonly gateway: TwilioGateway,
    private readonly options: { serviceSid: string; ttlSeconds: number; logger: Logger },
  ) {}

  async read(interactionSid: string): Promise<SharedEntry | null> {
    try {
      const document = await this.gateway.fetchSyncDocument(this.options.serviceSid, documentName(interactionSid));
      return document && entryOf(document.data, document.revision);
    } catch (error) {
      return this.unavailable('read', error);
    }
  }

  async claim(interactionSid: string, entry: SharedEntry | null, claim: Claim): Promise<SharedEntry | null> {
    const snapshot = entry?.snapshot ?? { v: 1 };
    try {
      const written = await this.put(interactionSid, entry, { ...snapshot, claim });
      return written === 'conflict' ? null : { snapshot, claim, revision: written };
    } catch (error) {
      // Sync unavailable: no one can be waited for, so this container fetches as if it held the claim.
      this.unavailable('claim', error);
      return { snapshot, claim, revision: entry?.revision ?? null };
    }
  }

  async write(interactionSid: string, entry: SharedEntry | null, fetched: Snapshot): Promise<void> {
    let base = entry;
    try {
      for (let round = 0; round < WRITE_ROUNDS; round += 1) {
        const shared = fitForSharing(merge(base?.snapshot ?? { v: 1 }, fetched));
        if (!shared) return;
        if ((await this.put(interactionSid, base, shared)) !== 'conflict') return;
        base = await this.read(interactionSid);
      }
    } catch (error) {
      this.unavailable('write', error);
    }
  }

  /** Creates the document, or replaces it if it is still at `entry`'s revision; its new revision, or 'conflict'. */
  private async put(interactionSid: string, entry: SharedEntry | null, data: object): Promise<string | null | 'conflict'> {
    const { serviceSid, ttlSeconds } = this.options;
    const name = documentName(interactionSid);
    const written =
      entry?.revision != null
        ? await this.gateway.updateSyncDocument(serviceSid, name, data, ttlSeconds, entry.revision)
        : entry === null
          ? await this.gateway.createSyncDocument(serviceSid, name, data, ttlSeconds)
          : 'conflict';
    return written === 'exists' || written === 'conflict' ? 'conflict' : written.revision;
  }

  private unavailable(doing: string, error: unknown): null {
    const { code, message } = asEnrichmentError(error);
    this.options.logger.warn('shared_copy_unavailable', { doing, code, message });
    return null;
  }
}

/** A document that is not a well-formed copy is read as an empty one, so the next write replaces it. */
function entryOf(data: unknown, revision: string | null): SharedEntry {
  const snapshot = readSnapshot(data);
  if (!snapshot) return { snapshot: { v: 1 }, claim: null, revision };
  const claim = (data as { claim?: unknown }).claim;
  const valid =
    typeof claim === 'object' && claim !== null && typeof (claim as Claim).by === 'string' && Number.isFinite((claim as Claim).until);
  const parts: Snapshot & { claim?: unknown } = { ...snapshot };
  delete parts.claim;
  return { snapshot: parts, claim: valid ? (claim as Claim) : null, revision };
}
