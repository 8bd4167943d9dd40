/**
 * The emulator in this process, on a free loopback port: its store and request log are at hand, so a test can
 * count the upstream calls a request made and mint Flex tokens without a round trip.
 */
import type { LoggedRequest } from '../emulator/request-log';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/server';

export type TestEmulator = RunningEmulator & {
  /** API requests logged since the last `clearRequests()`. */
  requests(): LoggedRequest[];
  clearRequests(): void;
  /** Counts logged requests by operationId, e.g. { FetchInteraction: 1 }. */
  countByOperation(): Record<string, number>;
  mintFlexToken(spec?: { roles?: string[]; ttlSeconds?: number; workerSid?: string }): string;
  seededSid(labelPart: string): string;
};

/** An in-process emulator on a free loopback port. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator({ port: 0, ...options });
  let since = 0;
  return Object.assign(emulator, {
    requests: () => emulator.requestLog.list(since),
    clearRequests: () => {
      since = emulator.requestLog.lastSeq;
    },
    countByOperation: () => countByOperation(emulator.requestLog.list(since)),
    mintFlexToken: (spec: { roles?: string[]; ttlSeconds?: number; workerSid?: string } = {}) => {
      const worker = emulator.store.workers()[0]!;
      return emulator.store.mintFlexToken({
        identity: worker.identity,
        workerSid: spec.workerSid ?? worker.sid,
        roles: spec.roles ?? worker.roles,
        ...(spec.ttlSeconds !== undefined ? { ttlSeconds: spec.ttlSeconds } : {}),
      }).token;
    },
    seededSid: (labelPart: string) => {
      const found = emulator.seeded.find((i) => i.label.toLowerCase().includes(labelPart.toLowerCase()));
      if (!found) throw new Error(`no seeded interaction labelled like "${labelPart}"`);
      return found.sid;
    },
  });
}

/** Logged requests counted by operationId, e.g. { FetchInteraction: 1, ValidateToken: 1 }. */
export function countByOperation(requests: readonly LoggedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of requests) counts[entry.operationId] = (counts[entry.operationId] ?? 0) + 1;
  return counts;
}
