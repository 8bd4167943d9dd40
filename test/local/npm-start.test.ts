import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { freePort } from '../support/functions-server';
import { isRunning, runNpmStart, type NpmStart } from '../support/npm-start';
import { assertMatchesSchema } from '../support/schema';

/**
 * `npm start` end to end: the real scripts/start.mjs on free ports, its banner, the curl commands it
 * prints, the local console in headless Chromium, Ctrl-C, and its errors at start. It runs with
 * --skip-build on the dist/ that `npm test` has just built: building again would replace dist/ under
 * the suites running beside this one.
 */

const ROOT = path.resolve(__dirname, '../..');
const RESULTS = path.join(ROOT, 'test-results');
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

  describe('the local console in headless Chromium', () => {
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];

    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()} ${message.location().url}`);
      });
      await page.goto(`${functionsUrl()}/console/index.html`);
    }, 30_000);
    afterAll(async () => {
      await browser?.close();
    });

    async function enrichAndWait() {
      const before = await page.locator('#status').textContent();
      await page.click('#submit');
      await page.waitForFunction((previous) => {
        const status = document.querySelector('#status')?.textContent ?? '';
        return status !== previous && /round trip/.test(status);
      }, before);
    }
    const field = (name: string) => page.locator(`#card [data-field="${name}"]`).first().textContent();

    test('picking a seeded interaction with include=all shows its customer, channel, queue and a participants table', async () => {
      await expect(page.locator('#mode').textContent()).resolves.toContain(emulatorUrl());
      const option = page.locator('#seeded option', { hasText: 'continued by email' });
      await page.selectOption('#seeded', (await option.getAttribute('value'))!);
      await page.check('#include-all');
      await enrichAndWait();

      // The card shows what the answer holds (the raw JSON beside it), and that is the seeded interaction.
      const sid = await page.inputValue('#sid');
      const payload = JSON.parse((await page.locator('#raw').textContent())!);
      assertMatchesSchema('payload', payload);
      expect(payload.interaction.sid).toBe(sid);
      expect(payload.meta.include).toEqual(['channels', 'participants', 'conversation', 'task']);

      await expect(page.locator('#status').textContent()).resolves.toMatch(/^200 POST \/studio\/interaction/);
      await expect(field('customer.name')).resolves.toBe('Yuki Tanaka');
      await expect(field('customer.email')).resolves.toBe(payload.customer.email);
      await expect(field('channel.type')).resolves.toBe('sms');
      await expect(field('task.queueName')).resolves.toBe('Billing Support');
      await expect(field('task.assignmentStatus')).resolves.toBe(payload.task.assignmentStatus);
      await expect(field('conversation.sid')).resolves.toBe(payload.conversation.sid);
      await expect(field('meta.upstreamCalls')).resolves.toBe(String(payload.meta.upstreamCalls));
      expect(payload.meta.upstreamCalls).toBeGreaterThan(1);

      const participantSids = payload.channels.flatMap((channel: any) => channel.participants.map((p: any) => p.sid));
      expect(participantSids.length).toBeGreaterThanOrEqual(3);
      const table = page.locator('#participants');
      await expect(table.locator('thead th').allTextContents()).resolves.toEqual(['Channel', 'Status', 'Participant', 'Worker']);
      const shownSids = (await table.locator('tbody code').allTextContents()).filter((text) => text.startsWith('UT'));
      expect(shownSids.sort()).toEqual([...participantSids].sort());
    });

    test('without the config.json npm start writes (as on a deployed Service), it does nothing', async () => {
      const bare = await browser.newPage();
      try {
        await bare.route('**/console/config.json', (route) => route.fulfill({ status: 404, body: 'Not found' }));
        const calls: string[] = [];
        bare.on('request', (request) => calls.push(new URL(request.url()).pathname));
        await bare.goto(`${functionsUrl()}/console/index.html`);
        await expect(bare.locator('#mode').textContent()).resolves.toMatch(/development tool .* does nothing/);
        await expect(bare.locator('#request').isVisible()).resolves.toBe(false);
        expect(calls.filter((call) => !call.startsWith('/console/'))).toEqual([]);
      } finally {
        await bare.close();
      }
    });

    test('a screenshot of it is a full-size PNG whose card region is drawn, not blank', async () => {
      mkdirSync(RESULTS, { recursive: true });
      const shot = await page.screenshot({ path: path.join(RESULTS, 'console.png') });
      expect(pngSize(shot)).toEqual({ width: 1280, height: 900 });
      expect(shot.length).toBeGreaterThan(30_000);

      const card = await page.locator('#card').screenshot({ path: path.join(RESULTS, 'console-card.png') });
      const box = (await page.locator('#card').boundingBox())!;
      expect(pngSize(card)).toEqual({ width: Math.round(box.width), height: Math.round(box.height) });
      const ink = await inkOf(browser, card);
      // Text, badges, rules and tables: a blank or failed card is one flat colour.
      expect(ink.inkShare).toBeGreaterThan(0.03);
      expect(ink.colours).toBeGreaterThan(50);
    });

    test('a pasted SID, called as a Flex plugin with a token the emulator minted, shows that interaction', async () => {
      const sid = banner.match(/Seeded {4}(KD[0-9a-f]{32})/)![1]!;
      await page.fill('#sid', sid);
      await page.check('input[name="caller"][value="flex"]');
      await page.uncheck('#include-all');
      await enrichAndWait();
      await expect(page.locator('#status').textContent()).resolves.toMatch(/^200 POST \/interaction /);
      await expect(field('customer.name')).resolves.toBe('Priya Raman');
      await expect(page.locator('#channels').textContent()).resolves.toContain('Not included');
    });

    test('a malformed SID shows the endpoint’s error, not a card', async () => {
      await page.fill('#sid', 'KD-not-a-sid');
      await page.check('input[name="caller"][value="studio"]');
      await enrichAndWait();
      await expect(page.locator('#status').textContent()).resolves.toMatch(/^400 /);
      await expect(field('error.code')).resolves.toBe('invalid_interaction_sid');
      expect(problems.filter((problem) => !/status of 400/.test(problem))).toEqual([]);
    });
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

  test('without node_modules: names the missing build tools and says to run npm ci', async () => {
    // The same script in a checkout where `npm ci` has not run.
    const checkout = mkdtempSync(path.join(tmpdir(), 'start-fresh-clone-'));
    mkdirSync(path.join(checkout, 'scripts'));
    copyFileSync(path.join(ROOT, 'scripts/start.mjs'), path.join(checkout, 'scripts/start.mjs'));
    const { code, stderr } = await run(process.execPath, [path.join(checkout, 'scripts/start.mjs')]).catch((error) => error);
    expect(code).toBe(1);
    expect(stderr).toContain('The build tools are not installed (missing: twilio-run, esbuild, typescript, tsx).');
    expect(stderr).toContain(`Run \`npm ci\` in ${checkout}, then \`npm start\` again.`);
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

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Decodes the PNG in the browser: the share of pixels unlike the background, and how many colours there are. */
async function inkOf(browser: Browser, png: Buffer): Promise<{ inkShare: number; colours: number }> {
  const decoder = await browser.newPage();
  try {
    return await decoder.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i += 4) {
        const colour = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        counts.set(colour, (counts.get(colour) ?? 0) + 1);
      }
      const background = Math.max(...counts.values());
      const pixels = data.length / 4;
      return { inkShare: (pixels - background) / pixels, colours: counts.size };
    }, png.toString('base64'));
  } finally {
    await decoder.close();
  }
}
