import { spawn } from 'node:child_process';
import path from 'node:path';
import { TWILIO_RATE_LIMITS } from '../../emulator/rate-limits';
import { freePort } from '../../harness';

const ROOT = path.resolve(__dirname, '../..');

/** `npm run emulator`: what a developer sees and can do with it. */
function runEmulator(args: string[]) {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'emulator/cli.ts', ...args], { cwd: ROOT });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const printed = async (text: string) => {
    for (let waited = 0; !output.includes(text); waited += 50) {
      if (waited > 15_000 || child.exitCode !== null) throw new Error(`did not print "${text}": ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return output;
  };
  return { child, exited, printed, output: () => output };
}

test('prints its URL, the credentials it accepts and the seeded SIDs; a seeded interaction answers curl -u', async () => {
  const port = await freePort();
  const emulator = runEmulator(['--port', String(port)]);
  try {
    const banner = await emulator.printed('Ctrl-C stops it');
    expect(banner).toContain(`listening on http://127.0.0.1:${port}`);
    const [, accountSid, authToken] = /account SID \/ auth token\s+(AC[0-9a-f]{32}) \/ (\S+)/.exec(banner)!;
    const sids = banner.match(/KD[0-9a-f]{32}/g)!;
    expect(new Set(sids).size).toBeGreaterThanOrEqual(9);
    const response = await fetch(`http://127.0.0.1:${port}/v1/Interactions/${sids[0]}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).sid).toBe(sids[0]);
  } finally {
    emulator.child.kill('SIGINT');
    expect(await emulator.exited).toBe(0);
  }
});

test("Twilio's rate limits are on unless --rate-limits off; another value is refused", async () => {
  for (const [args, expected, printed] of [
    [[], TWILIO_RATE_LIMITS, "Rate limits: Twilio's"],
    [['--rate-limits', 'off'], null, 'Rate limits: off'],
  ] as const) {
    const port = await freePort();
    const emulator = runEmulator(['--port', String(port), ...args]);
    try {
      expect(await emulator.printed('Ctrl-C stops it')).toContain(printed);
      const answer = await fetch(`http://127.0.0.1:${port}/__emulator/rate-limits`);
      expect(await answer.json()).toEqual({ rateLimits: expected });
    } finally {
      emulator.child.kill('SIGINT');
      await emulator.exited;
    }
  }
  const wrong = runEmulator(['--port', '0', '--rate-limits', 'strict']);
  expect(await wrong.exited).toBe(1);
  expect(wrong.output()).toContain('--rate-limits must be twilio or off, got strict');
});

test('a port in use is named, with what to do', async () => {
  const port = await freePort();
  const first = runEmulator(['--port', String(port)]);
  await first.printed('Ctrl-C stops it');
  const second = runEmulator(['--port', String(port)]);
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain('that port is in use: pick another with --port');
  first.child.kill('SIGINT');
  await first.exited;
});

test('a fault configuration that is not one is refused at start, saying what is wrong', async () => {
  const emulator = runEmulator(['--port', '0', '--faults', '{"rules":[{"errors":[{"status":418,"rate":1}]}]}']);
  expect(await emulator.exited).toBe(1);
  expect(emulator.output()).toContain('--faults is not a fault configuration: /rules/0/errors/0/status');
});

test('--console-origin lets that page call the emulator-only routes from a browser; a value that is no origin is refused', async () => {
  const port = await freePort();
  const emulator = runEmulator([
    '--port',
    String(port),
    '--console-origin',
    'http://localhost:3000',
    '--console-origin',
    'http://127.0.0.1:3000',
  ]);
  try {
    await emulator.printed('Ctrl-C stops it');
    const preflight = (origin: string) =>
      fetch(`http://127.0.0.1:${port}/__emulator/flex-tokens`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000']) {
      const answer = await preflight(origin);
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    }
    expect((await preflight('http://localhost:3001')).headers.get('access-control-allow-origin')).toBeNull();
  } finally {
    emulator.child.kill('SIGINT');
    expect(await emulator.exited).toBe(0);
  }
  const wrong = runEmulator(['--port', '0', '--console-origin', 'http://localhost:3000/console/']);
  expect(await wrong.exited).toBe(1);
  expect(wrong.output()).toContain('a console origin must be an origin such as http://localhost:3000');
});
