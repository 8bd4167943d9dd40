import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { freePort, isRunning, listeningAddresses, runNpmStart, type NpmStart } from '../../harness';
import { signatureFor, withBodyHash } from '../../local/signatures';
import { launchChromium } from '../support/browser';
import { fetchEndpoint } from '../support/endpoints';
import { readSeedFile, seededInteractions } from '../../emulator/seed';
import { MAX_FLEX_TOKEN_TTL_SECONDS } from '../../emulator/store';
import { TWILIO_RATE_LIMITS } from '../../emulator/rate-limits';
import { assertMatchesSchema } from '../support/schema';

/**
 * `npm start` end to end: the real scripts/start.ts on free ports, its banner, the curl commands it
 * prints, its front door (signatures on protected Functions, JSON errors, twilio-run on loopback only),
 * the local console in headless Chromium, Ctrl-C, and its errors at start. It runs with
 * --skip-build on the dist/ that `npm test` has just built: building again would replace dist/ under
 * the suites running beside this one.
 */

const ROOT = path.resolve(__dirname, '../..');
const RESULTS = path.join(ROOT, 'test-results');
const run = promisify(execFile);
/** The emulator's placeholder auth token, which npm start's banner prints. */
const EMULATOR_AUTH_TOKEN = 'emulator-auth-token-000000000000';
const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';

/**
 * POSTs a form to `url`, signed with `token` over `signedParams` (the form itself unless told). `reachesFunction`: the
 * answer is the function's, held to schema/openapi.json (the front door's own refusals are not the document's).
 */
function postForm(
  url: string,
  params: Record<string, string>,
  options: { token?: string; signedParams?: Record<string, string>; reachesFunction?: boolean } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token) headers['X-Twilio-Signature'] = signatureFor(options.token, url, options.signedParams ?? params);
  return (options.reachesFunction ? fetchEndpoint : fetch)(url, { method: 'POST', headers, body: new URLSearchParams(params) });
}

/** The front door's log lines in npm start's output, one JSON object each. */
function frontDoorLines(output: string): Record<string, unknown>[] {
  return [...output.matchAll(/^\[front door\] (\{.*\})$/gm)].map((match) => JSON.parse(match[1]!));
}

/** The 400 the front door answers for a protected Function without a valid signature, as Twilio's gateway does. */
async function expectSignatureRefusal(answer: Response) {
  expect(answer.status).toBe(400);
  const body = await answer.json();
  expect(body).toEqual({ error: { code: 'invalid_signature', message: expect.any(String), status: 400 }, requestId: expect.any(String) });
  expect(body.error.message).toContain("Twilio's gateway refuses requests to protected Functions without a valid X-Twilio-Signature");
  return body.error.message as string;
}

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

  test('shows its progress, then a banner with the endpoints, the console, a seeded SID, the seeded transfers and a curl for each endpoint', () => {
    expect(banner).toMatch(
      /Starting the local Twilio API emulator[\s\S]*Starting the functions with twilio-run[\s\S]*Starting the front door/,
    );
    expect(banner).toContain('Signatures  checked on the protected endpoints with the emulator’s auth token');
    expect(banner).toContain('run against the local Twilio API emulator');
    for (const endpoint of ['/interaction', '/studio/interaction', '/webhooks/interaction'])
      expect(banner).toContain(`POST ${functionsUrl()}${endpoint} `);
    expect(banner).toContain(`Console   ${functionsUrl()}/console/index.html`);
    expect(banner).toContain(`Emulator  ${emulatorUrl()}  (account `);
    expect(banner).toMatch(new RegExp(`auth token ${EMULATOR_AUTH_TOKEN}\\)`));
    expect(banner).toMatch(/Seeded {4}KD[0-9a-f]{32} {2}\w+: /);
    expect(banner).toContain(`minted by the emulator for ${MAX_FLEX_TOKEN_TTL_SECONDS / 3600} h:`);
    // The seed's transfers, each with its SID, type, status and interaction, for a TransferSid: the warm one and the cold one.
    const transfers = seededInteractions(readSeedFile()).flatMap((interaction) =>
      interaction.transfers.map((transfer) => ({ transfer, interactionSid: interaction.sid })),
    );
    expect(transfers.map(({ transfer }) => transfer.type).sort()).toEqual(['cold', 'warm']);
    for (const { transfer, interactionSid } of transfers)
      expect(banner).toMatch(
        new RegExp(`^(Transfers| {9}) ${transfer.sid}  ${transfer.type}, ${transfer.status}, on ${interactionSid} \\(`, 'm'),
      );
    expect(banner).toContain("Limits    Twilio's rate limits, answered 429 past them as Twilio does (--no-rate-limits turns them off)");
    expect(curlCommands(banner).map((command) => command.match(/ (http\S+)/)?.[1])).toEqual([
      `${functionsUrl()}/studio/interaction`,
      `${functionsUrl()}/studio/interaction`,
      `${functionsUrl()}/webhooks/interaction`,
      `${functionsUrl()}/interaction`,
    ]);
  });

  test("the emulator keeps Twilio's rate limits", async () => {
    const answer = await fetch(`${emulatorUrl()}/__emulator/rate-limits`);
    expect(await answer.json()).toEqual({ rateLimits: TWILIO_RATE_LIMITS });
  });

  test('each printed curl command, run as printed, gets the seeded interaction enriched, or the seeded transfer it names', async () => {
    const seeded = banner.match(/Seeded {4}(KD[0-9a-f]{32})/)![1]!;
    const transferCommands = curlCommands(banner).filter((command) => command.includes('TransferSid='));
    expect(transferCommands).toHaveLength(1);
    for (const command of curlCommands(banner)) {
      const { stdout } = await run('sh', ['-c', `${command} -w '\\n%{http_code}'`], { timeout: 15_000 });
      const status = stdout.slice(stdout.lastIndexOf('\n') + 1);
      const body = JSON.parse(stdout.slice(0, stdout.lastIndexOf('\n')));
      expect({ command, status }).toEqual({ command, status: '200' });
      assertMatchesSchema('payload', body);
      const [, interactionSid, transferSid] = /InteractionSid=(KD[0-9a-f]{32}) -d TransferSid=(UX[0-9a-f]{32})/.exec(command) ?? [];
      expect(body.interaction.sid).toBe(interactionSid ?? seeded);
      if (transferSid) expect(body.transfer).toMatchObject({ sid: transferSid, status: 'active' });
    }
    // The protected ones carry a signature; without it, the same command is refused.
    const [studio] = curlCommands(banner);
    expect(studio).toMatch(/-H 'X-Twilio-Signature: [A-Za-z0-9+/]{27}='/);
    const unsigned = studio!.replace(/-H 'X-Twilio-Signature: [^']+' /, '');
    const { stdout } = await run('sh', ['-c', `${unsigned} -w '\\n%{http_code}'`], { timeout: 15_000 });
    expect(stdout.slice(stdout.lastIndexOf('\n') + 1)).toBe('400');
  });

  describe('the front door', () => {
    const studio = () => `${functionsUrl()}/studio/interaction`;
    const webhook = () => `${functionsUrl()}/webhooks/interaction`;

    test('refuses unsigned POSTs to both protected Functions with 400 invalid_signature, before they run', async () => {
      const message = await expectSignatureRefusal(await postForm(studio(), { InteractionSid: SID }));
      expect(message).toContain('has no X-Twilio-Signature header');
      expect(message).toContain(`called as ${studio()}`);
      await expectSignatureRefusal(
        await postForm(webhook(), { EventType: 'task.created', TaskAttributes: JSON.stringify({ flexInteractionSid: SID }) }),
      );
      expect(frontDoorLines(start.output())).toContainEqual(
        expect.objectContaining({
          event: 'request_refused',
          status: 400,
          method: 'POST',
          path: '/studio/interaction',
          reason: 'missing signature',
        }),
      );
    });

    test('refuses a signature made for other parameters or with another token, and takes the right one', async () => {
      const params = { InteractionSid: SID, include: 'all' };
      const other = { token: EMULATOR_AUTH_TOKEN, signedParams: { InteractionSid: SID } };
      expect(await expectSignatureRefusal(await postForm(studio(), params, other))).toContain('does not match');
      await expectSignatureRefusal(await postForm(studio(), params, { token: 'not-the-auth-token' }));
      const signed = await postForm(studio(), params, { token: EMULATOR_AUTH_TOKEN, reachesFunction: true });
      expect(signed.status).toBe(200);
      expect((await signed.json()).interaction.sid).toBe(SID);
    });

    test('takes a JSON body signed through bodySHA256, and refuses one whose bodySHA256 is not its hash', async () => {
      const body = JSON.stringify({ InteractionSid: SID });
      const url = withBodyHash(studio(), body);
      const headers = { 'Content-Type': 'application/json', 'X-Twilio-Signature': signatureFor(EMULATOR_AUTH_TOKEN, url) };
      const signed = await fetchEndpoint(url, { method: 'POST', headers, body });
      expect(signed.status).toBe(200);
      expect((await signed.json()).interaction.sid).toBe(SID);

      const tampered = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ InteractionSid: SID, include: 'all' }) });
      expect(await expectSignatureRefusal(tampered)).toContain('bodySHA256 is not the SHA-256 hex of the body');
    });

    test('takes a GET signed over its URL with the query', async () => {
      const url = `${studio()}?InteractionSid=${SID}`;
      const signed = await fetchEndpoint(url, { headers: { 'X-Twilio-Signature': signatureFor(EMULATOR_AUTH_TOKEN, url) } });
      expect(signed.status).toBe(200);
      await expectSignatureRefusal(await fetch(url));
    });

    test('does not gate the public /interaction or OPTIONS preflights', async () => {
      const answer = await fetchEndpoint(
        `${functionsUrl()}/interaction`,
        { method: 'POST', body: new URLSearchParams({ InteractionSid: SID }) },
        { request: 'invalid' }, // no Token
      );
      expect(answer.status).toBe(401);
      expect((await answer.json()).error.code).toBe('missing_token'); // the function's own answer: it ran
      for (const endpoint of ['/interaction', '/studio/interaction', '/webhooks/interaction'])
        expect((await fetch(`${functionsUrl()}${endpoint}`, { method: 'OPTIONS' })).status).toBe(204);
    });

    test('answers a preflight from any origin; the request from a foreign one is refused by /interaction itself', async () => {
      const evil = 'https://evil.example.com';
      const preflight = await fetch(`${functionsUrl()}/interaction`, {
        method: 'OPTIONS',
        headers: { Origin: evil, 'Access-Control-Request-Method': 'POST' },
      });
      expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, '*']);
      const token = banner.match(/"Token":"([^"]+)"/)![1]!;
      const answer = await fetchEndpoint(`${functionsUrl()}/interaction`, {
        method: 'POST',
        headers: { Origin: evil, 'Content-Type': 'application/json' },
        body: JSON.stringify({ Token: token, InteractionSid: SID }),
      });
      expect(answer.status).toBe(403);
      expect((await answer.json()).error.code).toBe('origin_not_allowed');
    });

    test('refuses a Flex token in the URL before twilio-run can log it', async () => {
      const secret = 'eyJ-a-token-that-must-not-be-logged';
      const answer = await fetch(`${functionsUrl()}/interaction?Token=${secret}&InteractionSid=${SID}`);
      expect(answer.status).toBe(400);
      expect((await answer.json()).error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/body of a POST/) });
      const line = frontDoorLines(start.output()).find(({ reason }) => reason === 'a Flex token in the URL');
      expect(line).toMatchObject({ status: 400, method: 'GET', path: '/interaction', requestId: answer.headers.get('x-request-id') });
      expect(start.output()).not.toContain(secret);
    });

    test('answers bad JSON, an oversized body and an unknown path in the JSON envelope, with no stack or HTML', async () => {
      const post = (body: string) =>
        fetch(`${functionsUrl()}/interaction`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      const answers = [
        { answer: await post('{bad'), status: 400, code: 'invalid_request' },
        // Valid JSON that the runtime's strict parser refuses: twilio-run's own 400, with its stack, replaced.
        { answer: await post('5'), status: 400, code: 'invalid_request' },
        { answer: await post(' '.repeat(6 * 1024 * 1024 + 1)), status: 413, code: 'request_too_large' },
        { answer: await fetch(`${functionsUrl()}/nothing-here`), status: 404, code: 'not_found' },
      ];
      for (const { answer, status, code } of answers) {
        expect(answer.status).toBe(status);
        expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
        const text = await answer.text();
        expect(text).not.toMatch(/<html|<pre|\bat \S+ \(|node_modules/i);
        expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String), status }, requestId: expect.any(String) });
      }
    });

    test('signs for the console only when called as localhost: another Host (a rebound DNS name) is refused', async () => {
      const ask = (host: string) =>
        new Promise<{ status: number; body: any }>((resolve, reject) => {
          const request = httpRequest(
            {
              host: '127.0.0.1',
              port: functionsPort,
              path: '/__local/signature',
              method: 'POST',
              headers: { Host: host, 'Content-Type': 'application/json' },
            },
            (response) => {
              let text = '';
              response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
              response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
            },
          );
          request.on('error', reject);
          request.end(JSON.stringify({ path: '/studio/interaction', params: { InteractionSid: SID } }));
        });
      const local = await ask(`localhost:${functionsPort}`);
      expect(local.status).toBe(200);
      expect(local.body.signature).toBe(signatureFor(EMULATOR_AUTH_TOKEN, `${studio()}`, { InteractionSid: SID }));
      await expect(ask(`attacker.example:${functionsPort}`)).resolves.toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden' } },
      });
    });

    test('twilio-run listens on 127.0.0.1 only, behind it; the front door on 127.0.0.1 too', async () => {
      const internalPort = Number(/twilio-run on 127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
      const twilioRun = start.children().find(({ command }) => /twilio-run/.test(command))!;
      expect(listeningAddresses(twilioRun.pid)).toEqual([`127.0.0.1:${internalPort}`]);
      expect(listeningAddresses(start.child.pid!)).toEqual([`127.0.0.1:${functionsPort}`]);
      expect((await fetch(`http://127.0.0.1:${internalPort}/interaction`, { method: 'OPTIONS' })).status).toBe(204);
      // From this machine's own non-loopback address, where there is one, neither port answers.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((address) => address && address.family === 'IPv4' && !address.internal);
      if (external) {
        await expect(connectsTo(external.address, internalPort)).resolves.toBe(false);
        await expect(connectsTo(external.address, functionsPort)).resolves.toBe(false);
      }
    });
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
      await openConsole(page);
    }, 30_000);
    afterAll(async () => {
      await browser?.close();
    });

    /** Opens the console and waits until it has read config.json: `goto` returns at the load event, before that fetch ends. */
    async function openConsole(target: Page) {
      await target.goto(`${functionsUrl()}/console/index.html`);
      await target.waitForFunction(() => !/^Loading/.test(document.querySelector('#mode')?.textContent ?? 'Loading'));
    }

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
      expect(payload.meta.include).toEqual(['channels', 'participants', 'invites', 'conversation', 'task']);

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
      await expect(table.locator('thead th').allTextContents()).resolves.toEqual(['Channel', 'Status', 'Participant', 'Worker', 'Task']);
      const shownSids = (await table.locator('tbody code').allTextContents()).filter((text) => text.startsWith('UT'));
      expect(shownSids.sort()).toEqual([...participantSids].sort());
    });

    test('the transferred chat shows its invites with their queues and tasks, each agent’s worker and task, and no reservation', async () => {
      const option = page.locator('#seeded option', { hasText: 'Chat transferred' });
      await page.selectOption('#seeded', (await option.getAttribute('value'))!);
      await expect(page.isChecked('#include-all')).resolves.toBe(true);
      await enrichAndWait();
      const payload = JSON.parse((await page.locator('#raw').textContent())!);
      assertMatchesSchema('payload', payload);
      const rowOf = (table: string, sid: string) => page.locator(`${table} tbody tr`, { hasText: sid }).textContent();

      // The task Flex created first, and the one the transfer to Fraud Prevention created.
      const invites = payload.channels.flatMap((channel: any) => channel.invites);
      expect(invites.map((invite: any) => invite.queueName).sort()).toEqual(['Card Services', 'Fraud Prevention']);
      await expect(page.locator('#invites thead th').allTextContents()).resolves.toEqual([
        'Channel',
        'Invite',
        'Queue',
        'Workflow',
        'Task',
      ]);
      for (const invite of invites) {
        const row = await rowOf('#invites', invite.sid);
        for (const shown of [invite.queueName, invite.workflowName, invite.taskSid, invite.assignmentStatus]) expect(row).toContain(shown);
      }

      // Each agent's worker and task, read out of its routing properties: the two agents hold the two invites' tasks.
      const agents = payload.channels.flatMap((channel: any) => channel.participants).filter((p: any) => p.type === 'agent');
      expect(agents.map((agent: any) => agent.taskSid).sort()).toEqual(invites.map((invite: any) => invite.taskSid).sort());
      for (const agent of agents) {
        const row = await rowOf('#participants', agent.sid);
        expect(row).toContain(agent.workerSid);
        expect(row).toContain(agent.taskSid);
      }

      // Its first task is completed: no reservation any more.
      expect(payload.reservation).toBeNull();
      await expect(field('reservation')).resolves.toBe('none');
      await expect(page.locator('#transfer').count()).resolves.toBe(0);
    });

    test('the seeded warm transfer, asked for by its SID: the transfer section names its type, status and both agents', async () => {
      const seeded = readSeedFile().interactions.find((interaction) => interaction.label.startsWith('Chat transferred'))!;
      const transferSid = seeded.transfers![0]!.transfer!.sid;
      await page.fill('#transfer-sid', transferSid);
      await enrichAndWait();
      const payload = JSON.parse((await page.locator('#raw').textContent())!);
      assertMatchesSchema('payload', payload);
      expect(payload.transfer).toMatchObject({ sid: transferSid, type: 'warm', status: 'active', channelSid: payload.channel.sid });
      const agents = payload.channels.flatMap((channel: any) => channel.participants).map((p: any) => p.sid);
      expect(agents).toEqual(expect.arrayContaining([payload.transfer.fromParticipantSid, payload.transfer.to]));
      const shown = (await page.locator('#transfer').textContent())!;
      for (const value of [transferSid, 'warm', 'active', payload.transfer.fromParticipantSid, payload.transfer.to])
        expect(shown).toContain(value);
      await page.fill('#transfer-sid', '');
    });

    test('without the config.json npm start answers (as on a deployed Service), it does nothing', async () => {
      const bare = await browser.newPage();
      try {
        await bare.route('**/console/config.json', (route) => route.fulfill({ status: 404, body: 'Not found' }));
        const calls: string[] = [];
        bare.on('request', (request) => calls.push(new URL(request.url()).pathname));
        await openConsole(bare);
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

    test('a TransferSid goes with the request: one that is not the interaction’s shows no transfer and its warning, a malformed one the 400', async () => {
      await page.fill('#transfer-sid', `UX${'0'.repeat(32)}`);
      await enrichAndWait();
      const payload = JSON.parse((await page.locator('#raw').textContent())!);
      assertMatchesSchema('payload', payload);
      expect(payload.transfer).toBeNull();
      expect(payload.meta.warnings.map((warning: any) => warning.code)).toContain('transfer_not_found');
      await expect(page.locator('#transfer').textContent()).resolves.toContain('Not this interaction’s transfer');
      await expect(page.locator('#warnings').textContent()).resolves.toContain('transfer_not_found');

      await page.fill('#transfer-sid', 'UX-not-a-sid');
      await enrichAndWait();
      await expect(page.locator('#status').textContent()).resolves.toMatch(/^400 /);
      await expect(field('error.code')).resolves.toBe('invalid_request');
      await expect(page.locator('#card').textContent()).resolves.toContain('Parameter: TransferSid');
      await page.fill('#transfer-sid', '');
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
    // tsx's esbuild service (npm start loads its front door through tsx) ends once npm start's end of its pipe closes.
    for (let waited = 0; waited < 3000 && children.some(({ pid }) => isRunning(pid)); waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
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
    // The same script in a checkout where `npm ci` has not run, loaded by this checkout's tsx: without tsx at all,
    // Node.js fails to load tsx before the script runs.
    const checkout = mkdtempSync(path.join(tmpdir(), 'start-fresh-clone-'));
    mkdirSync(path.join(checkout, 'scripts'));
    copyFileSync(path.join(ROOT, 'scripts/start.ts'), path.join(checkout, 'scripts/start.ts'));
    const { code, stderr } = await run(process.execPath, ['--require', 'tsx/cjs', path.join(checkout, 'scripts/start.ts')], {
      cwd: ROOT,
    }).catch((error) => error);
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
  const realToken = '5e0c0ffee0ddba11c0ffee0ddba11abc';

  test('starts the functions against Twilio itself, without an emulator, and says so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'start-real-'));
    const envFile = path.join(dir, '.env');
    // Credentials of no account: here Twilio is unreachable, elsewhere it answers 401.
    writeFileSync(
      envFile,
      [
        'ACCOUNT_SID=AC00000000000000000000000000000000',
        `AUTH_TOKEN=${realToken}`,
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
      expect(banner).toContain('Signatures  checked on the protected endpoints with the auth token in .env');
      expect(
        start
          .children()
          .filter(({ command }) => !/esbuild/.test(command))
          .map(({ command }) => command),
      ).toEqual(['twilio-run']);

      // Signed with the real token: the front door lets it through to the function.
      const studio = `http://localhost:${port}/studio/interaction`;
      const params = { InteractionSid: `KD${'0'.repeat(32)}` };
      await expectSignatureRefusal(await postForm(studio, params));
      const answer = await postForm(studio, params, { token: realToken, reachesFunction: true });
      const body = await answer.json();
      assertMatchesSchema('error', body);
      expect(['upstream_error', 'upstream_timeout', 'upstream_auth_failed', 'deadline_exceeded']).toContain(body.error.code);

      // The console's files never hold the auth token: it signs through npm start instead.
      for (const file of ['index.html', 'console.js', 'console.css', 'config.json']) {
        const served = await fetch(`http://localhost:${port}/console/${file}`);
        expect({ file, status: served.status }).toEqual({ file, status: 200 });
        expect(await served.text()).not.toContain(realToken);
      }
      const signing = await fetch(`http://localhost:${port}/__local/signature`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ path: '/studio/interaction', params }),
      });
      const signed = await signing.json();
      expect(signed).toEqual({ url: studio, signature: signatureFor(realToken, studio, params) });
      expect(JSON.stringify(signed)).not.toContain(realToken);
    } finally {
      start.child.kill('SIGINT');
      await start.exited;
    }
  });
});

describe('npm start -- --no-signatures --no-rate-limits --host 0.0.0.0', () => {
  test('lets unsigned requests through, with no rate limits, says so, and listens on every interface while twilio-run stays on loopback', async () => {
    const port = await freePort();
    const emulatorPort = await freePort();
    const start = runNpmStart([
      '--skip-build',
      '--no-signatures',
      '--no-rate-limits',
      '--host',
      '0.0.0.0',
      '--port',
      String(port),
      '--emulator-port',
      String(emulatorPort),
    ]);
    try {
      const banner = await start.waitFor(/Ctrl-C stops both/);
      expect(banner).toContain('signatures are not checked (--no-signatures)');
      expect(banner).toContain('Signatures  not checked (--no-signatures)');
      expect(banner).toContain('Limits    none (--no-rate-limits)');
      expect(await (await fetch(`http://127.0.0.1:${emulatorPort}/__emulator/rate-limits`)).json()).toEqual({ rateLimits: null });
      expect(banner).toContain('Listening on 0.0.0.0');
      const answer = await postForm(`http://localhost:${port}/studio/interaction`, { InteractionSid: SID }, { reachesFunction: true });
      expect(answer.status).toBe(200);
      expect((await answer.json()).interaction.sid).toBe(SID);

      expect(listeningAddresses(start.child.pid!)).toEqual([`0.0.0.0:${port}`]);
      const twilioRun = start.children().find(({ command }) => /twilio-run/.test(command))!;
      expect(listeningAddresses(twilioRun.pid)).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);
    } finally {
      start.child.kill('SIGINT');
      await start.exited;
    }
  });
});

/** Whether a TCP connection to host:port is accepted. */
function connectsTo(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

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
