import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { requestEndpoint } from '../support/endpoints';
import { assertMatchesSchema } from '../support/schema';

/**
 * Two warm containers (two twilio-run processes) that share nothing but the
 * emulator's Sync Service, as deployed containers share an account's Sync.
 * Counted in the emulator's request log.
 */

let emulator: TestEmulator;
let containers: FunctionsServer[];
let syncServiceSid: string;
let sms: string;

const FLEX_OPERATIONS = /^(Fetch|List|Create|Update)Interaction/;
const flexCalls = () =>
  Object.entries(emulator.countByOperation())
    .filter(([operation]) => FLEX_OPERATIONS.test(operation))
    .reduce((sum, [, n]) => sum + n, 0);

beforeAll(async () => {
  emulator = await startTestEmulator();
  syncServiceSid = emulator.store.sync.services()[0]!.sid;
  const env = emulatorEnv(emulator, { SYNC_SERVICE_SID: syncServiceSid, LOG_LEVEL: 'warn' });
  containers = await Promise.all([startFunctions(env), startFunctions(env)]);
  sms = emulator.seededSid('Inbound SMS');
}, 60_000);
afterAll(async () => {
  await Promise.all((containers ?? []).map((c) => c.stop()));
  await emulator?.close();
});
beforeEach(() => {
  emulator.faults = { rules: [] };
  emulator.clearRequests();
});

const studio = (container: FunctionsServer, fields: Record<string, string>) =>
  requestEndpoint(container.url, 'POST', '/studio/interaction', { form: fields });
const webhook = (container: FunctionsServer, fields: Record<string, string>) =>
  requestEndpoint(container.url, 'POST', '/webhooks/interaction', { form: fields });

test('Studio on one container, then include=all on the other: the interaction is fetched once, and the second answer says shared', async () => {
  const first = await studio(containers[0]!, { InteractionSid: sms, fresh: 'true' });
  expect(first.status).toBe(200);
  expect(first.body.meta).toMatchObject({ source: 'twilio', stale: false });
  const second = await studio(containers[1]!, { InteractionSid: sms, include: 'channels,participants' });
  expect(second.status).toBe(200);
  assertMatchesSchema('payload', second.body);
  expect(second.body.meta).toMatchObject({ source: 'shared', stale: false, partial: false });
  expect(emulator.countByOperation().FetchInteraction).toBe(1);
  // And a third ask, on the first container, reads everything from the copy.
  const third = await studio(containers[0]!, { InteractionSid: sms, include: 'channels,participants' });
  expect(third.body.meta).toMatchObject({ source: 'shared', upstreamCalls: 1 });
  expect(third.body.channels).toEqual(second.body.channels);
  expect(emulator.countByOperation()).toMatchObject({ FetchInteraction: 1, ListInteractionChannel: 1 });
});

test('a task.created webhook reads the copy; a reservation.accepted webhook refreshes it', async () => {
  const chat = emulator.seededSid('Web chat');
  await studio(containers[0]!, { InteractionSid: chat, fresh: 'true' });
  emulator.clearRequests();
  const event = (eventType: string) => ({ EventType: eventType, TaskAttributes: JSON.stringify({ flexInteractionSid: chat }) });
  const created = await webhook(containers[1]!, event('task.created'));
  expect(created.body.meta).toMatchObject({ source: 'shared' });
  expect(flexCalls()).toBe(0);
  const accepted = await webhook(containers[1]!, event('reservation.accepted'));
  expect(accepted.body.meta).toMatchObject({ source: 'twilio', cache: 'bypass' });
  expect(flexCalls()).toBe(1);
});

test('Twilio rate-limiting: a copy answers marked stale with its age; with no copy, a fast 429 rate_limited', async () => {
  const whatsapp = emulator.seededSid('WhatsApp asking');
  await studio(containers[0]!, { InteractionSid: whatsapp, fresh: 'true' });
  emulator.faults = { rules: [{ match: 'FetchInteraction', errors: [{ status: 429, rate: 1 }] }] };
  // fresh=true refuses the copy as fresh, but a rate-limited refresh may still answer from it, marked stale.
  const stale = await studio(containers[1]!, { InteractionSid: whatsapp, fresh: 'true' });
  expect(stale.status).toBe(200);
  expect(stale.body.meta).toMatchObject({ stale: true, source: 'shared' });
  expect(stale.body.meta.ageMs).toBeGreaterThanOrEqual(0);

  const neverFetched = emulator.seededSid('voice call');
  const limited = await studio(containers[1]!, { InteractionSid: neverFetched });
  expect(limited.status).toBe(429);
  expect(limited.body.error).toMatchObject({ code: 'rate_limited', twilioCode: 20429 });
  expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
});
