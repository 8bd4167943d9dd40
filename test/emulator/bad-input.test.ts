import fc from 'fast-check';
import { startTestEmulator, type TestEmulator } from '../../harness';
import { validateTwilioError } from '../support/twilio-oai';

/** Whatever arrives, the emulator answers like Twilio: a 4xx with Twilio's error body, never a 5xx, never a crash. */

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

const SEGMENT = fc.oneof(
  fc.constantFrom('KD', 'KD' + '0'.repeat(32), 'UO' + 'f'.repeat(32), '..', '%2e%2e', '%00', '?', '#', 'Channels', 'Participants'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
);
const PATH = fc
  .tuple(
    fc.constantFrom('/v1/Interactions', '/v1/Conversations', '/v1/Workspaces', '/v1/Accounts', '/v1', ''),
    fc.array(SEGMENT, { maxLength: 4 }),
  )
  .map(([prefix, segments]) => [prefix, ...segments].join('/'));
const CONTENT_TYPE = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data',
  'application/xml',
  '',
);
const BODY = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json(),
  fc.constantFrom('{', '{"Channel":', 'Channel=%E0%A4%A', 'Channel[]=1&Channel[]=2', 'Routing={}&Routing={}', '\u0000\uffff'),
);

test('malformed requests get Twilio-style 4xx JSON', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      PATH,
      CONTENT_TYPE,
      BODY,
      fc.boolean(),
      async (method, path, type, body, authenticated) => {
        const headers: Record<string, string> = {};
        if (type) headers['Content-Type'] = type;
        if (authenticated)
          headers.Authorization = `Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}`;
        const response = await fetch(emulator.url + path, { method, headers, ...(method === 'GET' ? {} : { body }) });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(validateTwilioError(JSON.parse(text))).toEqual([]);
      },
    ),
    { numRuns: 300 },
  );
  expect((await fetch(`${emulator.url}/__emulator/health`)).status).toBe(200);
});
