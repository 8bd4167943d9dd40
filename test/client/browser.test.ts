import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { countByOperation, emulatorAdmin, freePort, runNpmStart, type EmulatorAdmin, type NpmStart } from '../../harness';
import { signatureFor } from '../../local/signatures';
import { launchChromium } from '../support/browser';
import { serveBundledPage, type BundledPage } from '../support/bundled-page';
import { fetchEndpoint } from '../support/endpoints';
import { assertConformsToOpenApi } from '../support/openapi';
import { assertMatchesSchema } from '../support/schema';
import type {} from './browser-page'; // window.flexClientPage

/**
 * The Flex client in a real browser: browser-page.ts bundled by esbuild, on an origin of its own (so every call is a
 * CORS request that the Service must allow), in headless Chromium, against `npm start`. The page's network events
 * count the POSTs to /interaction; the emulator's request log counts what reached Twilio. The Service keeps no
 * enrichment (CACHE_TTL_MS=0), so each POST that gets through fetches the interaction again, and each case mints its
 * own tokens, so that the Service's memory of validated tokens cannot hide an IAM call.
 */

const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';
const WORKSPACE_SID = 'WS51ac231ada0c21d42d9eb056ae58c8a0';

let settingsDir: string;
let pageServer: BundledPage;
let start: NpmStart;
let emulator: EmulatorAdmin;
let emulatorUrl: string;
let functionsUrl: string;
let browser: Browser;
let page: Page;
/** The page's POSTs to /interaction since the case began. */
let posts: Request[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  pageServer = await serveBundledPage(path.join(__dirname, 'browser-page.ts'));
  // Settings of the test's own, so that a developer's .env is neither read nor touched.
  settingsDir = mkdtempSync(path.join(tmpdir(), 'flex-client-browser-'));
  const envFile = path.join(settingsDir, '.env');
  writeFileSync(envFile, [`FLEX_ALLOWED_ORIGINS=${pageServer.origin}`, 'WEBHOOK_WRITE_BACK=true', 'CACHE_TTL_MS=0'].join('\n'));
  const [functionsPort, emulatorPort] = [await freePort(), await freePort()];
  start = runNpmStart(['--skip-build', '--port', String(functionsPort), '--emulator-port', String(emulatorPort), '--env', envFile]);
  await start.waitFor(/Ctrl-C stops both/);
  functionsUrl = `http://localhost:${functionsPort}`;
  emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  emulator = emulatorAdmin(emulatorUrl);

  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url() === `${functionsUrl}/interaction`) posts.push(request);
  });
  await page.goto(pageServer.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (start?.child.exitCode === null) start.child.kill('SIGINT');
  await start?.exited;
  await pageServer?.close();
  rmSync(settingsDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await emulator.reset();
  posts = [];
});

afterEach(async () => {
  expect(pageErrors).toEqual([]);
  // What the browser sent and got, held to schema/openapi.json like every other answer the tests see.
  for (const request of posts) {
    const response = (await request.response())!;
    assertConformsToOpenApi({
      method: 'POST',
      path: '/interaction',
      request: { contentType: request.headers()['content-type'], body: request.postData() ?? undefined },
      response: { status: response.status(), headers: await response.allHeaders(), body: await response.json() },
    });
  }
});

/** A new client in the page, whose getToken gives `tokens` in turn. */
async function startClient(tokens: string[]): Promise<void> {
  await page.evaluate((setup) => window.flexClientPage.start(setup), { baseUrl: functionsUrl, tokens });
}

function tokenAsks(): Promise<number> {
  return page.evaluate(() => window.flexClientPage.tokenAsks());
}

/** The statuses the page's POSTs to /interaction got, in order. */
async function postStatuses(): Promise<number[]> {
  return Promise.all(posts.map(async (request) => (await request.response())?.status() ?? 0));
}

/** What reached the emulator since the reset, by operationId; FetchInteraction's paths apart. */
async function upstream() {
  const requests = await emulator.requestsSince(0);
  const fetched = requests.filter(({ operationId }) => operationId === 'FetchInteraction').map(({ path }) => path);
  return { counts: countByOperation(requests), fetched };
}

// The Service shares fetches under way too (ten POSTs made three FetchInteraction when the client's sharing was
// bypassed): the page's POSTs are what prove the client's.
test('ten components asking for one interaction at once make one POST, one interaction fetch and one token validation', async () => {
  await startClient([await emulator.mintFlexToken()]);
  const { answers, sameObject } = await page.evaluate((sid) => window.flexClientPage.askAtOnce(sid, 10), SID);

  expect(answers).toHaveLength(10);
  expect(sameObject).toBe(true);
  assertMatchesSchema('payload', answers[0]);
  expect(answers[0]!.interaction.sid).toBe(SID);
  expect(await postStatuses()).toEqual([200]);
  expect(await upstream()).toEqual({ counts: { ValidateToken: 1, FetchInteraction: 1 }, fetched: [`/v1/Interactions/${SID}`] });
  expect(await tokenAsks()).toBe(1);
  // Cross-origin for real: the browser sent the page's Origin, and the Service's answer allowed it.
  expect((await posts[0]!.allHeaders()).origin).toBe(pageServer.origin);
  expect((await (await posts[0]!.response())!.allHeaders())['access-control-allow-origin']).toBe(pageServer.origin);
});

describe('a task that carries the summary the webhook wrote', () => {
  /** The seeded task's attributes once the signed /webhooks/interaction has written the summary into them. */
  let attributes: Record<string, any>;

  beforeAll(async () => {
    const url = `${functionsUrl}/webhooks/interaction`;
    const form = { EventType: 'task.created', TaskAttributes: JSON.stringify({ flexInteractionSid: SID }) };
    const answer = await fetchEndpoint(url, {
      method: 'POST',
      headers: { 'X-Twilio-Signature': signatureFor(credentials().authToken, url, form) },
      body: new URLSearchParams(form),
    });
    const { writeBack } = await answer.json();
    expect(writeBack).toMatchObject({ outcome: 'written', key: 'enrichment' });
    const { accountSid, authToken } = credentials();
    const task = await fetch(`${emulatorUrl}/v1/Workspaces/${WORKSPACE_SID}/Tasks/${writeBack.taskSid}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
    });
    attributes = JSON.parse((await task.json()).attributes);
    expect(attributes.enrichment).toMatchObject({ interactionSid: SID, fetchedAt: expect.any(String) });
  });

  test('while the summary is fresh, getTaskSummary answers from it: no request to the Service, nothing upstream', async () => {
    await startClient([await emulator.mintFlexToken()]);
    const answer = await page.evaluate((task) => window.flexClientPage.taskSummary(task), { attributes });

    expect(answer).toEqual({ source: 'task', summary: attributes.enrichment });
    expect(posts).toEqual([]);
    expect(await upstream()).toEqual({ counts: {}, fetched: [] });
    expect(await tokenAsks()).toBe(0);
  });

  test.each([
    [
      'stale (read an hour ago)',
      () => ({ ...attributes, enrichment: { ...attributes.enrichment, fetchedAt: new Date(Date.now() - 3_600_000).toISOString() } }),
    ],
    ['missing', () => ({ ...attributes, enrichment: undefined })],
  ])('when the summary is %s, getTaskSummary asks the Service once', async (_case, taskAttributes) => {
    await startClient([await emulator.mintFlexToken()]);
    const answer = await page.evaluate((task) => window.flexClientPage.taskSummary(task), { attributes: taskAttributes() });

    expect(answer).toMatchObject({ source: 'endpoint', summary: { interactionSid: SID, customer: attributes.enrichment.customer } });
    expect(await postStatuses()).toEqual([200]);
    expect(await upstream()).toEqual({ counts: { ValidateToken: 1, FetchInteraction: 1 }, fetched: [`/v1/Interactions/${SID}`] });
  });
});

test('a refused token is asked for again and the request sent once more: two POSTs, two validations, one fetch', async () => {
  const expired = await emulator.mintFlexToken({ ttlSeconds: -60 });
  await startClient([expired, await emulator.mintFlexToken()]);
  const { answers } = await page.evaluate((sid) => window.flexClientPage.askAtOnce(sid, 1), SID);

  assertMatchesSchema('payload', answers[0]);
  expect(answers[0]!.interaction.sid).toBe(SID);
  expect(await tokenAsks()).toBe(2);
  expect(await postStatuses()).toEqual([401, 200]);
  expect(await upstream()).toEqual({ counts: { ValidateToken: 2, FetchInteraction: 1 }, fetched: [`/v1/Interactions/${SID}`] });
});

/** The emulator's credentials, as npm start's banner prints them. */
function credentials(): { accountSid: string; authToken: string } {
  const [, accountSid, authToken] = /\(account (AC[0-9a-f]{32}), auth token (\S+)\)/.exec(start.output())!;
  return { accountSid: accountSid!, authToken: authToken! };
}
