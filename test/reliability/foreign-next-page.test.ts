import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { requestEndpoint } from '../support/endpoints';
import { assertMatchesSchema } from '../support/schema';

/**
 * The helper follows a list page's `next_page_url` wherever it points, with
 * the account's Basic credentials. Here the emulator's `nextPageUrl` fault has
 * a list page name a host of another owner (a server on this machine standing
 * in for it), and the real twilio-run serves the functions: that host must see
 * no connection at all, the part must fail as documented (a warning in a
 * partial 200), and the functions must log the refusal without a secret.
 */

let emulator: TestEmulator;
let functions: FunctionsServer;
let foreign: Server;
let foreignPort: number;
/** Every connection the foreign host accepted, and the Authorization of each request it read. */
const reached: { connections: number; authorizations: Array<string | undefined> } = { connections: 0, authorizations: [] };

beforeAll(async () => {
  foreign = createServer((request, response) => {
    reached.authorizations.push((request.headers as IncomingHttpHeaders).authorization);
    // A well-formed last page: without the guard the list would succeed, with the credentials handed over.
    response.setHeader('Content-Type', 'application/json');
    response.end(
      JSON.stringify({ channels: [], participants: [], meta: { key: 'channels', page: 1, page_size: 200, next_page_url: null } }),
    );
  });
  foreign.on('connection', () => (reached.connections += 1));
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignPort = (foreign.address() as AddressInfo).port;
  emulator = await startTestEmulator();
  functions = await startFunctions(emulatorEnv(emulator, { CACHE_TTL_MS: '0', UPSTREAM_RETRY_BASE_MS: '10' }));
}, 60_000);
afterEach(() => {
  emulator.faults = { rules: [] };
  reached.connections = 0;
  reached.authorizations = [];
});
afterAll(async () => {
  await functions?.stop();
  await emulator?.close();
  await new Promise((resolve) => foreign?.close(resolve));
});

/** Next pages off Twilio, on the other host. */
const NEXT_PAGES: Array<[string, (port: number) => string]> = [
  ['another host over http', (port) => `http://127.0.0.1:${port}/v1/next?PageToken=PT1`],
  ["Twilio's name as userinfo", (port) => `http://flex-api.twilio.com@127.0.0.1:${port}/v1/next`],
  ['https with userinfo', (port) => `https://flex-api.twilio.com:secret@127.0.0.1:${port}/v1/next`],
];

/** twilio-run's output reaches this process through a pipe: a line logged before the answer may arrive after it. */
async function linesUntil(from: number, done: (lines: string[]) => boolean): Promise<string[]> {
  const started = Date.now();
  while (!done(functions.output.slice(from)) && Date.now() - started < 3000) await new Promise((resolve) => setTimeout(resolve, 20));
  return functions.output.slice(from);
}

describe.each([
  ['ListInteractionChannel', 'channels', 'channels_unavailable', (body: any) => body.channels],
  ['ListConversationParticipant', 'conversation', 'conversation_unavailable', (body: any) => body.conversation.participants],
])('a page of %s naming a next page off Twilio', (operation, include, warning, part) => {
  test.each(NEXT_PAGES)('%s: nothing reaches that host, the part fails as documented, and a warning is logged', async (_, url) => {
    const nextPageUrl = url(foreignPort);
    emulator.faults = { rules: [{ match: operation, nextPageUrl }] };
    emulator.clearRequests();
    const linesBefore = functions.output.length;

    const answer = await requestEndpoint(functions.url, 'POST', '/studio/interaction', {
      form: { InteractionSid: emulator.seededSid('Inbound SMS'), include },
    });

    expect(reached).toEqual({ connections: 0, authorizations: [] });
    expect(answer.status).toBe(200);
    assertMatchesSchema('payload', answer.body);
    expect(part(answer.body)).toBeNull();
    expect(answer.body.meta.partial).toBe(true);
    expect(answer.body.meta.warnings).toContainEqual({ code: warning, message: expect.stringMatching(/not on a Twilio host/) });
    // The page itself was read once, and not asked for again: a refusal is not retried.
    expect(emulator.requests().filter((r) => r.operationId === operation)).toEqual([expect.objectContaining({ fault: 'next_page' })]);

    const lines = await linesUntil(linesBefore, (seen) => seen.some((line) => line.includes('"request_completed"')));
    const refusals = lines.filter((line) => line.includes('"upstream_host_refused"')).map((line) => JSON.parse(line));
    expect(refusals).toEqual([expect.objectContaining({ level: 'warn', method: 'GET', host: `127.0.0.1:${foreignPort}` })]);
    expect(lines.join('\n')).not.toMatch(new RegExp(`${emulator.authToken}|secret@|Basic `));
  });
});

test('the same interaction without the fault answers every part: the failure above is the next page alone', async () => {
  const answer = await requestEndpoint(functions.url, 'POST', '/studio/interaction', {
    form: { InteractionSid: emulator.seededSid('Inbound SMS'), include: 'channels,conversation' },
  });
  expect(answer.status).toBe(200);
  expect(answer.body.meta).toMatchObject({ partial: false, warnings: [] });
  expect(answer.body.channels.length).toBeGreaterThan(0);
});
