import type { Deadline } from '../../src/core/deadline';
import { EnrichmentError } from '../../src/core/errors';
import type { SyncDocument, TwilioGateway } from '../../src/core/twilio/twilio-gateway';
import { seededInteraction } from './seed-fixtures';

/**
 * A typed fake of the gateway for the shared-copy tests: the seeded
 * interactions, one SMS channel each with one agent and one invite, and an
 * in-memory Sync with revisions, conditional updates and 409 on a taken name.
 * It counts what each method was asked, and can be told to rate-limit or fail.
 */
export class FakeTwilio {
  readonly calls: Record<string, number> = {};
  readonly documents = new Map<string, { data: object; revision: number }>();
  /** Methods that answer 429 (rate_limited) until removed from the set. */
  readonly rateLimited = new Set<string>();
  /** Sync answers 503 while true. */
  syncDown = false;
  upstreamCalls = 0;

  private count(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    this.upstreamCalls += 1;
    if (this.rateLimited.has(method))
      throw new EnrichmentError('rate_limited', 'Twilio is rate-limiting this account.', { twilioCode: 20429, retryAfterSeconds: 1 });
    if (method.includes('Sync') && this.syncDown) throw new EnrichmentError('upstream_error', 'Twilio answered HTTP 503.');
  }

  twilioCalls(): number {
    return Object.entries(this.calls)
      .filter(([method]) => !method.includes('Sync'))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  gateway(): TwilioGateway {
    const fake: FakeTwilio = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the fake's methods are its closures
    const channelSid = 'UO' + 'c'.repeat(32);
    const gateway = {
      get upstreamCalls() {
        return fake.upstreamCalls;
      },
      withDeadline: <T>(_deadline: Deadline, work: () => Promise<T>) => work(),
      fetchInteraction: async (sid: string) => {
        fake.count('fetchInteraction');
        const seeded = seededInteraction('Inbound SMS');
        return { ...seeded, sid };
      },
      listChannels: async () => {
        fake.count('listChannels');
        return [{ sid: channelSid, type: 'sms', status: 'active', errorCode: null, errorMessage: null }];
      },
      listChannelParticipants: async () => {
        fake.count('listChannelParticipants');
        return [{ sid: 'UT' + 'a'.repeat(32), type: 'agent', routingProperties: { worker_sid: 'WK' + 'b'.repeat(32) } }];
      },
      listChannelInvites: async () => {
        fake.count('listChannelInvites');
        return [];
      },
      fetchConversation: async (sid: string) => {
        fake.count('fetchConversation');
        return {
          sid,
          friendlyName: null,
          uniqueName: null,
          state: 'active',
          chatServiceSid: null,
          messagingServiceSid: null,
          attributes: '{}',
          dateCreated: null,
          dateUpdated: null,
        };
      },
      listConversationParticipants: async () => {
        fake.count('listConversationParticipants');
        return [];
      },
      fetchTask: async () => {
        fake.count('fetchTask');
        return null;
      },
      fetchTransfer: async () => {
        fake.count('fetchTransfer');
        return null;
      },
      fetchSyncDocument: async (_service: string, name: string): Promise<SyncDocument | null> => {
        fake.count('fetchSyncDocument');
        const document = fake.documents.get(name);
        return document ? { data: structuredClone(document.data), revision: String(document.revision) } : null;
      },
      createSyncDocument: async (_service: string, name: string, data: object): Promise<SyncDocument | 'exists'> => {
        fake.count('createSyncDocument');
        if (fake.documents.has(name)) return 'exists';
        fake.documents.set(name, { data: structuredClone(data), revision: 0 });
        return { data, revision: '0' };
      },
      updateSyncDocument: async (_service: string, name: string, data: object, _ttl: number, revision: string) => {
        fake.count('updateSyncDocument');
        const document = fake.documents.get(name);
        if (!document || String(document.revision) !== revision) return 'conflict' as const;
        const next = { data: structuredClone(data), revision: document.revision + 1 };
        fake.documents.set(name, next);
        return { data, revision: String(next.revision) };
      },
    };
    return gateway as unknown as TwilioGateway;
  }
}
