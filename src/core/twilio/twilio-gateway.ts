import type { Twilio } from 'twilio';
import type { ConcurrencyLimit } from '../concurrency-limit';
import type { Deadline } from '../deadline';
import { EnrichmentError } from '../errors';
import { isoDateTime } from '../iso-date';
import { isJsonObject } from '../json-object';
import { DEFAULT_RETRY_AFTER_S, type UpstreamHttpClient } from './upstream-http-client';

/**
 * The one module that talks to Twilio. Each method makes its calls through the
 * official helper and returns plain data picked from the helper's instances
 * (never the instances, whose `_version` holds the client). Failures leave as
 * EnrichmentErrors; a 404 that is an answer rather than a failure is `null`.
 *
 * twilio-oai declares every field of these resources nullable and none
 * required: a resource fetched by its SID keeps that SID when Twilio leaves it
 * out, and a list item without one has a null SID.
 */

export interface InteractionResource {
  sid: string;
  /** Objects in Twilio's answers; twilio-oai leaves both untyped, and anything else is null here. */
  channel: Record<string, unknown> | null;
  routing: Record<string, unknown> | null;
  url: string | null;
  links: Record<string, string> | null;
  interactionContextSid: string | null;
  webhookTtid: string | null;
}

export interface ChannelResource {
  sid: string | null;
  type: string | null;
  status: string | null;
  errorCode: number | null;
  errorMessage: string | null;
}

export interface ChannelParticipantResource {
  sid: string | null;
  type: string | null;
  routingProperties: unknown;
}

export interface InviteResource {
  sid: string | null;
  /** The routing of the task the invite created, as Twilio gives it (untyped in twilio-oai); null unless an object. */
  routing: Record<string, unknown> | null;
}

export interface TransferResource {
  sid: string;
  channelSid: string | null;
  type: string | null;
  status: string | null;
  from: string | null;
  to: string | null;
  noteSid: string | null;
  summarySid: string | null;
  dateCreated: string | null;
  dateUpdated: string | null;
}

export interface ConversationResource {
  sid: string;
  friendlyName: string | null;
  uniqueName: string | null;
  state: string | null;
  chatServiceSid: string | null;
  messagingServiceSid: string | null;
  attributes: string | null;
  dateCreated: string | null;
  dateUpdated: string | null;
}

export interface ConversationParticipantResource {
  sid: string | null;
  identity: string | null;
  attributes: string | null;
  messagingBinding: unknown;
  dateCreated: string | null;
}

export interface TaskResource {
  sid: string;
  workspaceSid: string;
  assignmentStatus: string | null;
  attributes: string | null;
  age: number | null;
  priority: number | null;
  reason: string | null;
  taskQueueSid: string | null;
  taskQueueFriendlyName: string | null;
  workflowSid: string | null;
  workflowFriendlyName: string | null;
  taskChannelUniqueName: string | null;
  dateCreated: string | null;
  dateUpdated: string | null;
  /** TaskRouter's ETag for this revision, for If-Match. */
  etag: string | null;
}

export interface SyncDocument {
  /** The document's JSON data, as Sync returns it. */
  data: unknown;
  /** Sync's revision, for If-Match; null if Sync gave none. */
  revision: string | null;
}

export interface FlexTokenClaims {
  identity: string | null;
  workerSid: string | null;
  roles: string[];
  realmUserId: string | null;
  /** Epoch ms; null when IAM gave none. */
  expiresAt: number | null;
}

export type TokenValidation = { valid: true; claims: FlexTokenClaims } | { valid: false; reason: string };

export class TwilioGateway {
  constructor(
    private readonly client: Twilio,
    private readonly http: UpstreamHttpClient,
    private readonly accountSid: string,
    /** The invocation's count of attempts, kept by the http client. */
    private readonly attempts: { count: number },
  ) {}

  /** Runs `work` (calls on this gateway) under a tighter deadline than the invocation's, and maybe a concurrency limit of its own. */
  withDeadline<T>(deadline: Deadline, work: () => Promise<T>, options: { limit?: ConcurrencyLimit } = {}): Promise<T> {
    return this.http.withDeadline(deadline, work, options);
  }

  /** HTTP attempts sent so far by this invocation, retries included. */
  get upstreamCalls(): number {
    return this.attempts.count;
  }

  async fetchInteraction(sid: string): Promise<InteractionResource> {
    try {
      const i = await this.client.flexApi.v1.interaction(sid).fetch();
      return {
        sid: i.sid ?? sid,
        channel: isJsonObject(i.channel) ? i.channel : null,
        routing: isJsonObject(i.routing) ? i.routing : null,
        url: i.url ?? null,
        links: linksOf(i.links),
        interactionContextSid: i.interactionContextSid ?? null,
        webhookTtid: i.webhookTtid ?? null,
      };
    } catch (error) {
      if (statusOf(error) === 404)
        throw new EnrichmentError('interaction_not_found', `Interaction ${sid} was not found in this account.`, twilioDetails(error));
      throw upstreamFailure(error, 'fetching the interaction');
    }
  }

  async listChannels(interactionSid: string, limit: number): Promise<ChannelResource[]> {
    try {
      const channels = await this.client.flexApi.v1.interaction(interactionSid).channels.list({ limit });
      return channels.map((c) => ({
        sid: c.sid ?? null,
        type: c.type ?? null,
        status: c.status ?? null,
        errorCode: c.errorCode ?? null,
        errorMessage: c.errorMessage ?? null,
      }));
    } catch (error) {
      throw upstreamFailure(error, 'listing the interaction channels');
    }
  }

  async listChannelParticipants(interactionSid: string, channelSid: string, limit: number): Promise<ChannelParticipantResource[]> {
    try {
      const participants = await this.client.flexApi.v1.interaction(interactionSid).channels(channelSid).participants.list({ limit });
      return participants.map((p) => ({ sid: p.sid ?? null, type: p.type ?? null, routingProperties: p.routingProperties ?? null }));
    } catch (error) {
      throw upstreamFailure(error, `listing the participants of channel ${channelSid}`);
    }
  }

  async listChannelInvites(interactionSid: string, channelSid: string, limit: number): Promise<InviteResource[]> {
    try {
      const invites = await this.client.flexApi.v1.interaction(interactionSid).channels(channelSid).invites.list({ limit });
      return invites.map((i) => ({ sid: i.sid ?? null, routing: isJsonObject(i.routing) ? i.routing : null }));
    } catch (error) {
      throw upstreamFailure(error, `listing the invites of channel ${channelSid}`);
    }
  }

  /** Null when the transfer is not one of this channel's (404). */
  async fetchTransfer(interactionSid: string, channelSid: string, transferSid: string): Promise<TransferResource | null> {
    try {
      const t = await this.client.flexApi.v1.interaction(interactionSid).channels(channelSid).transfers(transferSid).fetch();
      return {
        sid: t.sid ?? transferSid,
        channelSid: t.channelSid ?? channelSid,
        type: t.type ?? null,
        status: t.status ?? null,
        from: t.from ?? null,
        to: t.to ?? null,
        noteSid: t.noteSid ?? null,
        summarySid: t.summarySid ?? null,
        dateCreated: isoOrNull(t.dateCreated),
        dateUpdated: isoOrNull(t.dateUpdated),
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw upstreamFailure(error, `fetching transfer ${transferSid}`);
    }
  }

  /** Null when the Conversation no longer exists (404). */
  async fetchConversation(sid: string): Promise<ConversationResource | null> {
    try {
      const c = await this.client.conversations.v1.conversations(sid).fetch();
      return {
        sid: c.sid ?? sid,
        friendlyName: c.friendlyName ?? null,
        uniqueName: c.uniqueName ?? null,
        state: c.state ?? null,
        chatServiceSid: c.chatServiceSid ?? null,
        messagingServiceSid: c.messagingServiceSid ?? null,
        attributes: c.attributes ?? null,
        dateCreated: isoOrNull(c.dateCreated),
        dateUpdated: isoOrNull(c.dateUpdated),
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw upstreamFailure(error, 'fetching the conversation');
    }
  }

  /** Null when the Conversation no longer exists (404). */
  async listConversationParticipants(sid: string, limit: number): Promise<ConversationParticipantResource[] | null> {
    try {
      const participants = await this.client.conversations.v1.conversations(sid).participants.list({ limit });
      return participants.map((p) => ({
        sid: p.sid ?? null,
        identity: p.identity ?? null,
        attributes: p.attributes ?? null,
        messagingBinding: p.messagingBinding ?? null,
        dateCreated: isoOrNull(p.dateCreated),
      }));
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw upstreamFailure(error, 'listing the conversation participants');
    }
  }

  /** Null when the task no longer exists (TaskRouter deletes finished tasks). */
  async fetchTask(workspaceSid: string, taskSid: string): Promise<TaskResource | null> {
    try {
      const { body: t, headers } = await this.client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid).fetchWithHttpInfo();
      return {
        sid: t.sid ?? taskSid,
        workspaceSid: t.workspaceSid ?? workspaceSid,
        assignmentStatus: t.assignmentStatus ?? null,
        attributes: t.attributes ?? null,
        age: t.age ?? null,
        priority: t.priority ?? null,
        reason: t.reason ?? null,
        taskQueueSid: t.taskQueueSid ?? null,
        taskQueueFriendlyName: t.taskQueueFriendlyName ?? null,
        workflowSid: t.workflowSid ?? null,
        workflowFriendlyName: t.workflowFriendlyName ?? null,
        taskChannelUniqueName: t.taskChannelUniqueName ?? null,
        dateCreated: isoOrNull(t.dateCreated),
        dateUpdated: isoOrNull(t.dateUpdated),
        etag: headerOf(headers, 'etag'),
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw upstreamFailure(error, 'fetching the TaskRouter task');
    }
  }

  /** Writes the attributes only if the task is still at `etag`; 'conflict' when someone wrote first (412). */
  async updateTaskAttributes(workspaceSid: string, taskSid: string, attributes: string, etag: string): Promise<'updated' | 'conflict'> {
    try {
      await this.client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid).update({ attributes, ifMatch: etag });
      return 'updated';
    } catch (error) {
      if (statusOf(error) === 412) return 'conflict';
      throw upstreamFailure(error, 'updating the TaskRouter task attributes');
    }
  }

  /** A Sync Document's data and revision, by unique name; null when there is none (404, or expired). */
  async fetchSyncDocument(serviceSid: string, uniqueName: string): Promise<SyncDocument | null> {
    try {
      const d = await this.client.sync.v1.services(serviceSid).documents(uniqueName).fetch();
      return { data: d.data ?? null, revision: d.revision ?? null };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw upstreamFailure(error, 'reading the shared copy from Sync');
    }
  }

  /** Creates a Sync Document; 'exists' when another container created one under that name first (409). */
  async createSyncDocument(serviceSid: string, uniqueName: string, data: object, ttlSeconds: number): Promise<SyncDocument | 'exists'> {
    try {
      const d = await this.client.sync.v1.services(serviceSid).documents.create({ uniqueName, data, ttl: ttlSeconds });
      return { data: d.data ?? null, revision: d.revision ?? null };
    } catch (error) {
      if (statusOf(error) === 409) return 'exists';
      throw upstreamFailure(error, 'creating the shared copy in Sync');
    }
  }

  /** Replaces a Sync Document's data if it is still at `revision`; 'conflict' when it changed (412) or is gone (404). */
  async updateSyncDocument(
    serviceSid: string,
    uniqueName: string,
    data: object,
    ttlSeconds: number,
    revision: string,
  ): Promise<SyncDocument | 'conflict'> {
    try {
      const d = await this.client.sync.v1.services(serviceSid).documents(uniqueName).update({ data, ttl: ttlSeconds, ifMatch: revision });
      return { data: d.data ?? null, revision: d.revision ?? null };
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return 'conflict';
      throw upstreamFailure(error, 'updating the shared copy in Sync');
    }
  }

  /** Asks Twilio IAM whether a Flex token is valid, as twilio-flex-token-validator does. */
  async validateFlexToken(token: string): Promise<TokenValidation> {
    let response: { statusCode: number; body: unknown };
    try {
      response = (await this.client.request({
        method: 'post',
        uri: `https://iam.twilio.com/v1/Accounts/${this.accountSid}/Tokens/validate`,
        data: { token },
        headers: { 'Content-Type': 'application/json' },
      })) as { statusCode: number; body: unknown };
    } catch (error) {
      throw upstreamFailure(error, 'validating the Flex token');
    }
    const body = parseBody(response.body);
    // A body that says `valid` is IAM's verdict whatever the status; anything else off 2xx is IAM failing.
    const verdict = typeof body?.valid === 'boolean';
    if (!verdict && (response.statusCode < 200 || response.statusCode >= 300)) {
      throw upstreamFailure({ status: response.statusCode, code: body?.code }, 'validating the Flex token');
    }
    if (!body || body.valid !== true) {
      return { valid: false, reason: typeof body?.message === 'string' ? body.message : 'The Flex token is not valid.' };
    }
    const expiration = typeof body.expiration === 'string' ? Date.parse(body.expiration) : NaN;
    return {
      valid: true,
      claims: {
        identity: typeof body.identity === 'string' ? body.identity : null,
        workerSid: typeof body.worker_sid === 'string' ? body.worker_sid : null,
        roles: Array.isArray(body.roles) ? body.roles.filter((r): r is string => typeof r === 'string') : [],
        realmUserId: typeof body.realm_user_id === 'string' ? body.realm_user_id : null,
        expiresAt: Number.isFinite(expiration) ? expiration : null,
      },
    };
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function twilioDetails(error: unknown): { twilioCode?: number; twilioStatus?: number } {
  const code = (error as { code?: unknown } | null)?.code;
  const status = statusOf(error);
  return {
    ...(typeof code === 'number' && code > 0 ? { twilioCode: code } : {}),
    ...(status !== undefined ? { twilioStatus: status } : {}),
  };
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** Maps a failed helper call to the project's error; the helper's own message is not echoed. */
export function upstreamFailure(error: unknown, doing: string): EnrichmentError {
  if (error instanceof EnrichmentError) return error;
  const status = statusOf(error);
  const details = twilioDetails(error);
  if (status === 401 || status === 403)
    return new EnrichmentError(
      'upstream_auth_failed',
      `Twilio refused this service's credentials while ${doing} (HTTP ${status}).`,
      details,
    );
  if (status === 429)
    return new EnrichmentError('rate_limited', `Twilio is rate-limiting this account (HTTP 429 while ${doing}).`, {
      ...details,
      retryAfterSeconds: DEFAULT_RETRY_AFTER_S,
    });
  if (status !== undefined) return new EnrichmentError('upstream_error', `Twilio answered HTTP ${status} while ${doing}.`, details);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code))
    return new EnrichmentError('upstream_timeout', `Twilio did not answer in time while ${doing}.`);
  if (typeof code === 'string') return new EnrichmentError('upstream_error', `Twilio could not be reached while ${doing} (${code}).`);
  // Neither a status nor a network error's code: Twilio answered, and the helper could not read it (a list page without its records).
  return new EnrichmentError('upstream_error', `Twilio's answer could not be read while ${doing}.`);
}

/** `links` is a `uri-map` (name → URL), but twilio-oai leaves its values untyped: only strings are links. */
function linksOf(links: unknown): Record<string, string> | null {
  if (!isJsonObject(links)) return null;
  return Object.fromEntries(Object.entries(links).filter((link): link is [string, string] => typeof link[1] === 'string'));
}

/** The helper gives a Date, or the string when it could not read it. */
function isoOrNull(date: Date | string | null | undefined): string | null {
  if (!date) return null;
  return isoDateTime(date instanceof Date ? date.getTime() : Date.parse(date));
}

function headerOf(headers: Record<string, unknown> | undefined, name: string): string | null {
  if (!headers) return null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : null;
}

function parseBody(body: unknown): Record<string, unknown> | null {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return null;
    }
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
}
