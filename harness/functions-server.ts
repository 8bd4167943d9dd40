/** `twilio-run start` on the built functions, as a child process, and the settings that point it at the emulator. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

const ROOT = path.resolve(__dirname, '..');
const TWILIO_RUN = path.join(ROOT, 'node_modules/twilio-run/bin/twilio-run.js');

export interface FunctionsServer {
  url: string;
  pid: number;
  /** Everything twilio-run and the functions printed (structured log lines included). */
  output: string[];
  stop(): Promise<void>;
}

/**
 * The real `twilio-run start` serving the built dist/ (as `npm start` does),
 * with `env` as its .env file. Resolves once the functions answer. `nodeArgs`
 * and `args` go to node and to twilio-run (the bench serves its baseline so).
 */
export async function startFunctions(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; args?: string[] } = {},
): Promise<FunctionsServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'functions-env-'));
  const envFile = path.join(dir, '.env');
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), TWILIO_RUN, 'start', '--env', envFile, '--port', String(port), ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = `http://127.0.0.1:${port}`;

  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`twilio-run exited: ${output.join('\n')}`);
    try {
      await fetch(`${url}/interaction`, { method: 'OPTIONS' });
      break;
    } catch {
      if (Date.now() - started > 30_000) throw new Error(`twilio-run did not start: ${output.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    pid: child.pid!,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The emulator's credentials as a function's environment names them: all the bench's baseline runs with. */
export function emulatorCredentials(emulator: { accountSid: string; authToken: string }) {
  return { ACCOUNT_SID: emulator.accountSid, AUTH_TOKEN: emulator.authToken };
}

/** The emulator-backed environment the functions run with locally. */
export function emulatorEnv(emulator: { url: string; accountSid: string; authToken: string }, extra: Record<string, string> = {}) {
  return { ...emulatorCredentials(emulator), TWILIO_API_BASE_URL: emulator.url, ...extra };
}
