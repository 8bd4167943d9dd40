/**
 * The emulator in its own process (`npm run emulator`), driven through its admin routes: faults, the request log,
 * Flex tokens. The bench uses it so that the emulator's work is not counted against the functions it measures.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FaultConfig } from '../emulator/faults';
import type { RateLimits } from '../emulator/rate-limits';
import type { LoggedRequest } from '../emulator/request-log';
import type { SeededInteraction } from '../emulator/seed';
import { DEFAULT_AUTH_TOKEN } from '../emulator/server';
import { countByOperation } from './emulator';
import { freePort } from './ports';

const ROOT = path.resolve(__dirname, '..');

/** The emulator in its own process, with its admin routes as methods. */
export interface EmulatorProcess {
  url: string;
  pid: number;
  accountSid: string;
  authToken: string;
  seeded: SeededInteraction[];
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
  mintFlexToken(): Promise<string>;
  /**
   * Empties the request log (sequence numbers go on). Done before each load
   * run, so that every run finds the emulator in the same state.
   */
  clearLog(): Promise<void>;
  /** A fresh store from the seed file, no faults, an empty request log: the emulator as it started. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmulatorProcessOptions {
  /**
   * Twilio's rate limits (`twilio`) or none (`off`, the default here, unlike `npm run emulator`): a measurement
   * asks for them when it means to meet them.
   */
  rateLimits?: 'twilio' | 'off';
}

export async function startEmulatorProcess(options: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  const port = await freePort();
  const args = ['--port', String(port), '--rate-limits', options.rateLimits ?? 'off'];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'emulator/cli.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}): ${output}`)));
  });
  child.stdout.resume();
  child.stderr.resume();

  const admin = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}/__emulator/${route}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${route}: HTTP ${response.status}`);
    return response.status === 204 ? undefined : ((await response.json()) as any);
  };
  const requestsSince = async (seq: number) => ((await admin('GET', `requests?since=${seq}`)) as { requests: LoggedRequest[] }).requests;
  const accountSid = /account SID \/ auth token\s+(AC[0-9a-f]{32})/.exec(output)?.[1];
  if (!accountSid) throw new Error(`the emulator printed no account SID: ${output}`);
  const { interactions } = await admin('GET', 'interactions');

  return {
    url,
    pid: child.pid!,
    accountSid,
    authToken: DEFAULT_AUTH_TOKEN,
    seeded: interactions,
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
    mintFlexToken: async () => (await admin('POST', 'flex-tokens', {})).token,
    clearLog: async () => {
      await admin('DELETE', 'requests');
    },
    reset: async () => {
      await admin('POST', 'reset');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
