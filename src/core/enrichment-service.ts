import type { Config } from './config';
import type { Deadline } from './deadline';
import { addIncluded, describeInteraction, unavailableParts, type IncludedResources, type Outcome } from './enrich';
import { asEnrichmentError, EnrichmentError } from './errors';
import { SCHEMA_VERSION, type EnrichedInteraction, type EnrichmentResult } from './payload';
import type { EnrichmentRequest } from './request-input';
import type { TwilioGateway } from './twilio/twilio-gateway';
import { enrichFromFreshestCopy } from './shared/freshest-copy';
import type { PartsSource } from './shared/parts-source';
import type { SharedCopies } from './shared/shared-copies';
import type { WarmCache } from './warm-cache';

/**
 * Fetches the interaction, then everything `include` asks for, in parallel as
 * far as the dependencies allow: channels, then their participants and
 * invites; the Conversation and its participants; the live task; the transfer
 * asked for with TransferSid, on the interaction's channel. A sub-resource that
 * fails, or is not read by `partsDeadline`, becomes a warning in a partial
 * answer; only the interaction itself is required. A part that Twilio
 * rate-limits past the retry budget fails the whole enrichment as
 * `rate_limited`.
 */
export async function fetchEnrichment(
  gateway: PartsSource,
  request: Pick<EnrichmentRequest, 'interactionSid' | 'include' | 'transferSid'>,
  options: { listLimit: number; partsDeadline: Deadline; now?: () => number },
): Promise<EnrichmentResult> {
  const { listLimit, partsDeadline, now = Date.now } = options;
  let rateLimited: EnrichmentError | undefined;
  const settle = async <T>(work: () => Promise<T>) => {
    const outcome = await settled(() => gateway.withDeadline(partsDeadline, work));
    if (!outcome.ok && outcome.error.code === 'rate_limited') rateLimited ??= outcome.error;
    return outcome;
  };
  const interaction = await gateway.fetchInteraction(request.interactionSid);
  const fetchedAt = new Date(now()).toISOString();
  const described = describeInteraction(interaction);
  const wants = new Set(request.include);
  const included: IncludedResources = {};

  /** A channel's list, read only if the channel has a SID to read it by. */
  const listOf =
    <T>(list: (channelSid: string) => Promise<T>) =>
    (channelSid: string | null) =>
      settle(async () => {
        if (channelSid === null) throw new EnrichmentError('upstream_error', 'there is no SID to list them by.');
        return list(channelSid);
      });
  const participantsOf = listOf((channelSid) => gateway.listChannelParticipants(interaction.sid, channelSid, listLimit));
  const invitesOf = listOf((channelSid) => gateway.listChannelInvites(interaction.sid, channelSid, listLimit));
  const channelsWork = wants.has('channels')
    ? settle(async () => {
        const channels = await gateway.listChannels(interaction.sid, listLimit);
        return Promise.all(
          channels.map(async (channel) => {
            const [participants, invites] = await Promise.all([
              wants.has('participants') ? participantsOf(channel.sid) : undefined,
              wants.has('invites') ? invitesOf(channel.sid) : undefined,
            ]);
            return { channel, ...(participants && { participants }), ...(invites && { invites }) };
          }),
        );
      }).then((outcome) => {
        included.channels = outcome;
      })
    : undefined;

  const conversationSid = described.conversationSid;
  const conversationWork =
    wants.has('conversation') && conversationSid
      ? Promise.all([
          settle(() => gateway.fetchConversation(conversationSid)),
          settle(() => gateway.listConversationParticipants(conversationSid, listLimit)),
        ]).then(([details, participants]) => {
          included.conversation = { details, participants };
        })
      : undefined;

  const taskRef = described.taskRef;
  const taskWork =
    wants.has('task') && taskRef
      ? settle(() => gateway.fetchTask(taskRef.workspaceSid, taskRef.taskSid)).then((outcome) => {
          included.task = outcome;
        })
      : undefined;

  const { transferSid } = request;
  const transferChannelSid = described.body.channel.sid;
  // A transfer lives under a channel; Twilio's interactions have one (`channel`), and it is read there.
  const transferWork = transferSid
    ? (transferChannelSid === null
        ? Promise.resolve<Outcome<null>>({ ok: true, value: null })
        : settle(() => gateway.fetchTransfer(interaction.sid, transferChannelSid, transferSid))
      ).then((outcome) => {
        included.transfer = { sid: transferSid, channelSid: transferChannelSid, outcome };
      })
    : undefined;

  await Promise.all([channelsWork, conversationWork, taskWork, transferWork]);
  // Twilio's rate limit is never hidden in a partial answer: the caller is told when to come back.
  if (rateLimited) throw rateLimited;
  const { body, warnings, partial } = addIncluded(described, included);
  const allWarnings = [...warnings, ...unavailableParts(described, request.include)];
  return { body, warnings: allWarnings, partial, fetchedAt, source: 'twilio', stale: false };
}

async function settled<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: asEnrichmentError(error) };
  }
}

/**
 * The enrichment for one request, with this request's `meta`: from the warm
 * cache when it may be, else from the freshest copy the shared store (Sync,
 * when SYNC_SERVICE_SID is set) may give, else from Twilio. With a shared
 * store, a kept result is reused only while its oldest part is within
 * SYNC_MAX_AGE_MS, so no answer that is not marked stale is older than that.
 */
export async function enrichInteraction(options: {
  request: EnrichmentRequest;
  gateway: TwilioGateway;
  cache: WarmCache<EnrichmentResult>;
  copies: SharedCopies;
  config: Config;
  deadline: Deadline;
  requestId: string;
  startedAt: number;
  now?: () => number;
}): Promise<EnrichedInteraction> {
  const { request, gateway, cache, copies, config, deadline } = options;
  const now = options.now ?? Date.now;
  const key = `${request.interactionSid}|${request.include.join(',')}|${request.transferSid ?? ''}`;
  const fetch = (source: PartsSource) =>
    fetchEnrichment(source, request, { listLimit: config.listLimit, partsDeadline: deadline.forOptionalWork(), now });
  // The invocation's own race against its deadline bounds this wait too, a coalesced one included.
  const { value, source } = await cache.get(
    key,
    async () => {
      if (!config.sync) {
        const result = await fetch(gateway);
        return { value: result, keep: !result.partial };
      }
      const result = await enrichFromFreshestCopy({
        gateway,
        copies,
        request,
        fetch,
        policy: config.sync,
        deadline,
        me: options.requestId,
        now,
      });
      const freshFor = config.sync.maxAgeMs - (now() - Date.parse(result.fetchedAt));
      return { value: result, keep: !result.partial && !result.stale && freshFor > 0, ttlMs: Math.min(config.cacheTtlMs, freshFor) };
    },
    { fresh: request.fresh },
  );
  return {
    ...value.body,
    meta: {
      schemaVersion: SCHEMA_VERSION,
      requestId: options.requestId,
      fetchedAt: value.fetchedAt,
      durationMs: Math.round(now() - options.startedAt),
      upstreamCalls: gateway.upstreamCalls,
      include: request.include,
      cache: request.fresh ? 'bypass' : source,
      source: value.source,
      ageMs: Math.max(0, Math.round(now() - Date.parse(value.fetchedAt))),
      stale: value.stale,
      partial: value.partial,
      warnings: value.warnings,
    },
  };
}
