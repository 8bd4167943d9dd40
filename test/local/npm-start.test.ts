import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/functions-server';
import { isRunning, runNpmStart, type NpmStart } from '../support/npm-start';
import { assertMatchesSchema } from '../support/schema';

/**
 * `npm start` end to end: the real scripts/start.mjs on free ports, its banner, the curl commands it
 * prints, Ctrl-C, and its errors at start. It runs with
 * --skip-build on the dist/ that `npm test` has just built: building again would replace dist/ under
 * the suites running beside this one.
 */

const run = promisify(execFile);

describe('npm start on the emulator', () => {
  let start: NpmStart;
  let banner: string;
  let functionsPort: number;
  let emulatorPort: number;

  beforeAll(async () => {
    functionsPort = await freePort();
    emulatorPort = await freePort();
    start = runNpmStart(['--skip-build', '--port', String(functionsPort), '--emulator-port', String(emulatorPort)]);
    banner = await start.waitFor(/Ctrl-C stops both/);
  }, 60_000);
  afterAll(async () => {
    if (start.child.exitCode === null) start.child.kill('SIGINT');
    await start.exited;
  });

  const functionsUrl = () => `http://localhost:${functionsPort}`;
  const emulatorUrl = () => `http://127.0.0.1:${emulatorPort}`;

  test('shows its progress, then a banner with the endpoints, the console, a seeded SID and a curl for each endpoint', () => {
    expect(banner).toMatch(/Starting the local Twilio API emulator[\s\S]*Starting the functions with twilio-run/);
    expect(banner).toContain('run against the local Twilio API emulator');
    for (const endpoint of ['/interaction', '/studio/interaction', '/webhooks/interaction'])
      expect(banner).toContain(`POST ${functionsUrl()}${endpoint} `);
    expect(banner).toContain(`Console   ${functionsUrl()}/console/index.html`);
    expect(banner).toMatch(new RegExp(`Emulator  ${emulatorUrl()}  \\(account AC[0-9a-f]{32}, auth token \\S{32}\\)`));
    expect(banner).toMatch(/Seeded {4}KD[0-9a-f]{32} {2}\w+: /);
    expect(curlCommands(banner).map((command) => command.match(/ (http\S+)/)?.[1])).toEqual([
      `${functionsUrl()}/studio/interaction`,
      `${functionsUrl()}/webhooks/interaction`,
      `${functionsUrl()}/interaction`,
    ]);
  });

  test('each printed curl command, run as printed, gets the seeded interaction enriched', async () => {
    const seeded = banner.match(/Seeded {4}(KD[0-9a-f]{32})/)![1]!;
    for (const command of curlCommands(banner)) {
      const { stdout } = await run('sh', ['-c', `${command} -w '\\n%{http_code}'`], { timeout: 15_000 });
      const status = stdout.slice(stdout.lastIndexOf('\n') + 1);
      const body = JSON.parse(stdout.slice(0, stdout.lastIndexOf('\n')));
      expect({ command, status }).toEqual({ command, status: '200' });
      assertMatchesSchema('payload', body);
      expect(body.interaction.sid).toBe(seeded);
    }
  });

  test('Ctrl-C stops the emulator and twilio-run, then npm start itself', async () => {
    const children = start.children();
    expect(children.filter(({ command }) => /emulator\/cli\.ts|twilio-run/.test(command))).toHaveLength(2);
    start.child.kill('SIGINT');
    await expect(start.exited).resolves.toBe(0);
    expect(children.filter(({ pid }) => isRunning(pid))).toEqual([]);
    await expect(fetch(`${emulatorUrl()}/__emulator/health`)).rejects.toThrow();
    await expect(fetch(`${functionsUrl()}/interaction`, { method: 'OPTIONS' })).rejects.toThrow();
  });
});

describe('npm start errors at start', () => {
  let occupied: Server;
  let busyPort: number;

  beforeAll(async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    busyPort = (occupied.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => occupied.close(() => resolve())));

  test('a functions port in use: says so and how to pick another, and starts nothing', async () => {
    const start = runNpmStart(['--skip-build', '--port', String(busyPort), '--emulator-port', String(await freePort())]);
    await expect(start.exited).resolves.toBe(1);
    expect(start.output()).toContain(`Port ${busyPort} (functions) is already in use`);
    expect(start.output()).toContain(`npm start -- --port ${busyPort + 1}`);
    expect(start.output()).not.toContain('Starting the local Twilio API emulator');
  });

  test('an emulator port in use: names the --emulator-port option', async () => {
    const start = runNpmStart(['--skip-build', '--port', String(await freePort()), '--emulator-port', String(busyPort)]);
    await expect(start.exited).resolves.toBe(1);
    expect(start.output()).toContain(`Port ${busyPort} (emulator) is already in use`);
    expect(start.output()).toContain(`npm start -- --emulator-port ${busyPort + 1}`);
  });

  test('a bad option: says which, with the usage', async () => {
    const start = runNpmStart(['--port', 'eighty']);
    await expect(start.exited).resolves.toBe(1);
    expect(start.output()).toContain('--port must be a port from 1 to 65535, got "eighty"');
    expect(start.output()).toContain('Usage: npm start -- [options]');
  });
});

describe('npm start with real credentials in the settings file', () => {
  test('starts the functions against Twilio itself, without an emulator, and says so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'start-real-'));
    const envFile = path.join(dir, '.env');
    // Credentials of no account: here Twilio is unreachable, elsewhere it answers 401.
    writeFileSync(
      envFile,
      [
        'ACCOUNT_SID=AC00000000000000000000000000000000',
        `AUTH_TOKEN=${'0'.repeat(32)}`,
        'REQUEST_DEADLINE_MS=3000',
        'UPSTREAM_ATTEMPT_TIMEOUT_MS=1500',
        'UPSTREAM_MAX_ATTEMPTS=1',
      ].join('\n'),
    );
    const port = await freePort();
    const start = runNpmStart(['--skip-build', '--port', String(port), '--env', envFile]);
    try {
      const banner = await start.waitFor(/Ctrl-C stops both/);
      expect(banner).toContain('against Twilio itself (no emulator)');
      expect(banner).not.toMatch(/Starting the local Twilio API emulator|Emulator {2}http/);
      expect(start.children().map(({ command }) => command)).toEqual(['twilio-run']);

      const answer = await fetch(`http://localhost:${port}/studio/interaction`, {
        method: 'POST',
        body: new URLSearchParams({ InteractionSid: `KD${'0'.repeat(32)}` }),
      });
      const body = await answer.json();
      assertMatchesSchema('error', body);
      expect(['upstream_error', 'upstream_timeout', 'upstream_auth_failed', 'deadline_exceeded']).toContain(body.error.code);
    } finally {
      start.child.kill('SIGINT');
      await start.exited;
    }
  });
});

/** The curl lines of the banner, as printed. */
function curlCommands(banner: string): string[] {
  return banner
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl '));
}
