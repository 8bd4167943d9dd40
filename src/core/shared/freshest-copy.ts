import type { Deadline } from '../deadline';
import { asEnrichmentError } from '../errors';
import { isoDateTime } from '../iso-date';
import type { EnrichmentResult } from '../payload';
import type { EnrichmentRequest } from '../request-input';
import type { TwilioGateway } from '../twilio/twilio-gateway';
import { CopyThenTwilio, type PartsSource } from './parts-source';
import type { SharedCopies, SharedEntry } from './shared-copies';
import { covers, oldest, type Snapshot } from './snapshot';

type Request = Pick<EnrichmentRequest, 'interactionSid' | 'include' | 'transferSid' | 'fresh'>;
type Fetch = (source: PartsSource) => Promise<EnrichmentResult>;

export interface FreshnessPolicy {
  /** A part of a shared copy answers as fresh up to this age (SYNC_MAX_AGE_MS). */
  maxAgeMs: number;
  /** When Twilio rate-limits, a copy up to this age answers, marked stale (SYNC_STALE_MAX_MS). */
  staleMaxMs: number;
}

/** How long a claim holds: long enough for one enrichment's fetch, short enough that a dead holder costs little. */
export const CLAIM_MS = 3000;
/** How often a container waiting for another's fetch reads the copy again. */
export const POLL_MS = 150;
/** How long a container waits for another's fetch before fetching itself. */
export const MAX_WAIT_MS = 2000;

/**
 * The enrichment from the freshest copy this request may use: the shared
 * copy when it holds every part fresh enough (no Twilio call); otherwise the
 * parts it lacks, fetched once across containers where that pays (the first
 * claims the fetch, the others wait for its write), then merged into the
 * copy. When Twilio rate-limits and a copy within `staleMaxMs` holds the
 * parts, that copy answers, marked stale; otherwise the `rate_limited` error
 * stands. `fresh` requests (and webhook events that change the interaction)
 * use no part of the copy, and refresh it.
 */
export async function enrichFromFreshestCopy(options: {
  gateway: TwilioGateway;
  copies: SharedCopies;
  request: Request;
  fetch: Fetch;
  policy: FreshnessPolicy;
  deadline: Deadline;
  /** Who claims: the request id. */
  me: string;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}): Promise<EnrichmentResult> {
  const { gateway, copies, request, fetch, policy, me, now } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const sid = request.interactionSid;
  const maxAgeMs = request.fresh ? -1 : policy.maxAgeMs;
  const fromCopy = (snapshot: Snapshot, ageLimit: number, stale: boolean) =>
    build(new CopyThenTwilio(gateway, snapshot, { maxAgeMs: ageLimit, now }), fetch, now, stale);
  const answers = (entry: SharedEntry | null) => entry !== null && covers(entry.snapshot, request.include, now(), maxAgeMs);

  let entry = await copies.read(sid);
  if (answers(entry)) return fromCopy(entry!.snapshot, maxAgeMs, false);

  // Single flight where it pays: for more than the interaction alone, wait for whoever is fetching it, or claim it.
  if (!request.fresh && request.include.length > 0) {
    const waitUntil = Math.min(now() + MAX_WAIT_MS, options.deadline.at - CLAIM_MS / 2);
    for (;;) {
      const claim = entry?.claim;
      if (claim && claim.by !== me && claim.until > now()) {
        if (now() + POLL_MS > waitUntil) break;
        await sleep(POLL_MS);
        entry = await copies.read(sid);
        if (answers(entry)) return fromCopy(entry!.snapshot, maxAgeMs, false);
        continue;
      }
      const claimed = await copies.claim(sid, entry, { by: me, until: now() + CLAIM_MS });
      if (claimed) {
        entry = claimed;
        break;
      }
      entry = await copies.read(sid);
      if (answers(entry)) return fromCopy(entry!.snapshot, maxAgeMs, false);
      if (now() + POLL_MS > waitUntil) break;
    }
  }

  const parts = new CopyThenTwilio(gateway, entry?.snapshot ?? { v: 1 }, { maxAgeMs, now });
  try {
    const result = await build(parts, fetch, now, false);
    await copies.write(sid, entry, parts.fetched);
    return result;
  } catch (thrown) {
    const error = asEnrichmentError(thrown);
    if (error.code !== 'rate_limited') throw error;
    // What Twilio did answer is still worth sharing, and an older copy may answer, marked stale.
    await copies.write(sid, entry, parts.fetched);
    const latest = await copies.read(sid);
    if (latest && covers(latest.snapshot, request.include, now(), policy.staleMaxMs)) {
      return fromCopy(latest.snapshot, policy.staleMaxMs, true);
    }
    throw error;
  }
}

async function build(parts: CopyThenTwilio, fetch: Fetch, now: () => number, stale: boolean): Promise<EnrichmentResult> {
  const result = await fetch(parts);
  return {
    ...result,
    fetchedAt: isoDateTime(oldest(parts.usedAt, now())) ?? result.fetchedAt,
    source: parts.fromCopy > 0 ? 'shared' : 'twilio',
    stale,
  };
}
