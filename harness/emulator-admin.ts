/**
 * A running emulator's admin routes (`/__emulator/...`, emulator/README.md) as methods, by its URL: the one the
 * harness starts (emulator-process.ts) or the one `npm start` started.
 */
import type { FaultConfig } from '../emulator/faults';
import type { RateLimits } from '../emulator/rate-limits';
import type { LoggedRequest } from '../emulator/request-log';
import type { SeededInteraction } from '../emulator/seed';
import { countByOperation } from './emulator';

/** What `POST /__emulator/flex-tokens` takes: every field optional; a negative `ttlSeconds` mints an expired token. */
export interface FlexTokenSpec {
  identity?: string;
  roles?: string[];
  ttlSeconds?: number;
}

export interface EmulatorAdmin {
  seeded(): Promise<SeededInteraction[]>;
  setFaults(config: FaultConfig): Promise<void>;
  /** Rate limits from now on (TWILIO_RATE_LIMITS for Twilio's); null turns them off. */
  setRateLimits(limits: RateLimits | null): Promise<void>;
  /** Sequence number of the last logged API request: count from here. */
  lastSeq(): Promise<number>;
  /** API requests logged after `seq`, counted by operationId (FetchInteraction, ValidateToken, ...). */
  countSince(seq: number): Promise<Record<string, number>>;
  /** API requests logged after `seq`, as logged. */
  requestsSince(seq: number): Promise<LoggedRequest[]>;
  /** API requests being answered now. */
  inFlight(): Promise<number>;
  mintFlexToken(spec?: FlexTokenSpec): Promise<string>;
  /** Empties the request log (sequence numbers go on). */
  clearLog(): Promise<void>;
  /** A fresh store from the seed file, no faults, an empty request log: the emulator as it started. */
  reset(): Promise<void>;
}

export function emulatorAdmin(url: string): EmulatorAdmin {
  const admin = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}/__emulator/${route}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${route}: HTTP ${response.status}`);
    return response.status === 204 ? undefined : ((await response.json()) as any);
  };
  const requestsSince = async (seq: number) => ((await admin('GET', `requests?since=${seq}`)) as { requests: LoggedRequest[] }).requests;
  return {
    seeded: async () => ((await admin('GET', 'interactions')) as { interactions: SeededInteraction[] }).interactions,
    setFaults: async (config) => {
      await admin('PUT', 'faults', config);
    },
    setRateLimits: async (limits) => {
      await (limits ? admin('PUT', 'rate-limits', limits) : admin('DELETE', 'rate-limits'));
    },
    lastSeq: async () => (await admin('GET', `requests?since=${Number.MAX_SAFE_INTEGER}`)).lastSeq,
    countSince: async (seq) => countByOperation(await requestsSince(seq)),
    requestsSince,
    inFlight: async () => (await admin('GET', 'health')).inFlight,
    mintFlexToken: async ({ identity, roles, ttlSeconds } = {}) =>
      (await admin('POST', 'flex-tokens', { identity, roles, ttl_seconds: ttlSeconds })).token,
    clearLog: async () => {
      await admin('DELETE', 'requests');
    },
    reset: async () => {
      await admin('POST', 'reset');
    },
  };
}
