import type { TwilioGateway } from '../twilio/twilio-gateway';
import { usable, type Snapshot, type Timed } from './snapshot';

/** The reads an enrichment makes: the gateway's, or a copy's with the gateway behind it. */
export type PartsSource = Pick<
  TwilioGateway,
  | 'withDeadline'
  | 'fetchInteraction'
  | 'listChannels'
  | 'listChannelParticipants'
  | 'listChannelInvites'
  | 'fetchConversation'
  | 'listConversationParticipants'
  | 'fetchTask'
  | 'fetchTransfer'
>;

/**
 * Reads each part from a shared copy when it is at most `maxAgeMs` old, and
 * from Twilio otherwise. What it fetched is kept in `fetched`, to be merged
 * into the shared copy; the times of the parts it used give the answer's age.
 * A transfer is always read from Twilio: it is asked for by SID, rarely twice.
 */
export class CopyThenTwilio implements PartsSource {
  /** Parts read from Twilio by this enrichment, each timed when Twilio answered. */
  readonly fetched: Snapshot = { v: 1 };
  /** When each part the answer used was fetched. */
  readonly usedAt: number[] = [];
  /** Parts taken from the copy. */
  fromCopy = 0;

  constructor(
    private readonly twilio: TwilioGateway,
    private readonly copy: Snapshot,
    private readonly options: { maxAgeMs: number; now: () => number },
  ) {}

  withDeadline: TwilioGateway['withDeadline'] = (deadline, work, options) => this.twilio.withDeadline(deadline, work, options);

  fetchInteraction(sid: string) {
    return this.part(
      this.copy.interaction,
      () => this.twilio.fetchInteraction(sid),
      (timed) => (this.fetched.interaction = timed),
    );
  }

  listChannels(interactionSid: string, limit: number) {
    return this.part(
      this.copy.channels,
      () => this.twilio.listChannels(interactionSid, limit),
      (timed) => (this.fetched.channels = timed),
    );
  }

  listChannelParticipants(interactionSid: string, channelSid: string, limit: number) {
    return this.part(
      this.copy.participants?.[channelSid],
      () => this.twilio.listChannelParticipants(interactionSid, channelSid, limit),
      (timed) => (this.fetched.participants = { ...this.fetched.participants, [channelSid]: timed }),
    );
  }

  listChannelInvites(interactionSid: string, channelSid: string, limit: number) {
    return this.part(
      this.copy.invites?.[channelSid],
      () => this.twilio.listChannelInvites(interactionSid, channelSid, limit),
      (timed) => (this.fetched.invites = { ...this.fetched.invites, [channelSid]: timed }),
    );
  }

  fetchConversation(sid: string) {
    return this.part(
      this.copy.conversation,
      () => this.twilio.fetchConversation(sid),
      (timed) => (this.fetched.conversation = timed),
    );
  }

  listConversationParticipants(sid: string, limit: number) {
    return this.part(
      this.copy.conversationParticipants,
      () => this.twilio.listConversationParticipants(sid, limit),
      (timed) => (this.fetched.conversationParticipants = timed),
    );
  }

  fetchTask(workspaceSid: string, taskSid: string) {
    return this.part(
      this.copy.task,
      () => this.twilio.fetchTask(workspaceSid, taskSid),
      (timed) => (this.fetched.task = timed),
    );
  }

  fetchTransfer(interactionSid: string, channelSid: string, transferSid: string) {
    return this.twilio.fetchTransfer(interactionSid, channelSid, transferSid);
  }

  private async part<T>(stored: Timed<T> | undefined, fetch: () => Promise<T>, keep: (timed: Timed<T>) => void): Promise<T> {
    const { now, maxAgeMs } = this.options;
    if (stored && usable(stored, now(), maxAgeMs)) {
      this.fromCopy += 1;
      this.usedAt.push(stored.at);
      return stored.value;
    }
    const value = await fetch();
    const timed = { at: now(), value };
    keep(timed);
    this.usedAt.push(timed.at);
    return value;
  }
}
