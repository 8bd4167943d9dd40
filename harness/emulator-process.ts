/**
 * The emulator in its own process (`npm run emulator`), driven through its admin routes: faults, the request log,
 * Flex tokens. The bench uses it so that the emulator's work is not counted against the functions it measures.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { SeededInteraction } from '../emulator/seed';
import { DEFAULT_AUTH_TOKEN } from '../emulator/server';
import { emulatorAdmin, type EmulatorAdmin } from './emulator-admin';
import { freePort } from './ports';

const ROOT = path.resolve(__dirname, '..');

/** The emulator in its own process, with its admin routes as methods. */
export interface EmulatorProcess extends Omit<EmulatorAdmin, 'seeded'> {
  url: string;
  pid: number;
  accountSid: string;
  authToken: string;
  seeded: SeededInteraction[];
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

  const accountSid = /account SID \/ auth token\s+(AC[0-9a-f]{32})/.exec(output)?.[1];
  if (!accountSid) throw new Error(`the emulator printed no account SID: ${output}`);
  const admin = emulatorAdmin(url);

  return {
    ...admin,
    url,
    pid: child.pid!,
    accountSid,
    authToken: DEFAULT_AUTH_TOKEN,
    seeded: await admin.seeded(),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
