import { redirectedTwilioClient, startTestEmulator, type TestEmulator } from '../../harness';

/** The emulator driven the way the functions drive it: the official twilio helper, redirected by TWILIO_API_BASE_URL. */

/** One attempt, so that a test sees every answer as the emulator gave it. */
function redirectedClient(baseUrl: string, credentials: { username: string; password: string }) {
  return redirectedTwilioClient({
    ...credentials,
    baseUrl,
    policy: { maxAttempts: 1, retryBaseMs: 10, retryMaxDelayMs: 50 },
    deadlineMs: 20_000,
  });
}

let emulator: TestEmulator;
let client: ReturnType<typeof redirectedClient>['client'];
let workspaceSid: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  client = redirectedClient(emulator.url, { username: emulator.accountSid, password: emulator.authToken }).client;
  workspaceSid = emulator.store.workspaces()[0]!.sid;
});
afterAll(() => emulator.close());

test('an interaction created with the helper comes back from fetch with real-looking routing properties', async () => {
  const created = await client.flexApi.v1.interaction.create({
    channel: {
      type: 'whatsapp',
      initiated_by: 'customer',
      participants: [{ address: 'whatsapp:+447700900123', proxy_address: 'whatsapp:+14155550111', name: 'Ruth Mensah' }],
    },
    routing: {
      properties: { workspace_sid: workspaceSid, task_channel_unique_name: 'chat', attributes: { customers: { phone: '+447700900123' } } },
    },
  });
  expect(created.sid).toMatch(/^KD[0-9a-f]{32}$/);

  const fetched = await client.flexApi.v1.interaction(created.sid).fetch();
  expect(fetched.url).toBe(`https://flex-api.twilio.com/v1/Interactions/${created.sid}`);
  expect(fetched.channel).toEqual({ type: 'whatsapp', sid: expect.stringMatching(/^UO[0-9a-f]{32}$/) });
  const properties = fetched.routing.properties;
  expect(properties).toMatchObject({
    sid: expect.stringMatching(/^WT/),
    workspace_sid: workspaceSid,
    workflow_sid: expect.stringMatching(/^WW/),
    workflow_name: 'Assign to Anyone',
    queue_sid: expect.stringMatching(/^WQ/),
    queue_name: 'Everyone',
    task_channel_unique_name: 'chat',
    assignment_status: 'pending',
    priority: 0,
    age: expect.any(Number),
    date_created: expect.any(Number),
  });
  expect(Math.abs(properties.date_created - Date.now() / 1000)).toBeLessThan(60);
  const attributes = JSON.parse(properties.attributes);
  expect(attributes).toMatchObject({
    customerAddress: 'whatsapp:+447700900123',
    customerName: 'Ruth Mensah',
    from: 'whatsapp:+447700900123',
    conversationSid: expect.stringMatching(/^CH/),
    flexInteractionSid: created.sid,
    flexInteractionChannelSid: fetched.channel.sid,
    direction: 'inbound',
    channelType: 'whatsapp',
    customers: { phone: '+447700900123' },
    conversations: { initiated_by: 'customer', communication_channel: 'Whatsapp', direction: 'Inbound' },
  });

  const conversation = await client.conversations.v1.conversations(attributes.conversationSid).fetch();
  expect(conversation.state).toBe('active');
  const participants = await client.conversations.v1.conversations(attributes.conversationSid).participants.list();
  expect(participants.map((p) => p.messagingBinding)).toEqual([
    { type: 'whatsapp', address: 'whatsapp:+447700900123', proxy_address: 'whatsapp:+14155550111' },
  ]);
});

test('list() and each() follow next_page_url across pages', async () => {
  const sid = emulator.seededSid('three channels');
  const pages: number[] = [];
  const page = await client.flexApi.v1.interaction(sid).channels.page({ pageSize: 1 });
  pages.push(page.instances.length);
  let next = await page.nextPage();
  while (next) {
    pages.push(next.instances.length);
    next = await next.nextPage();
  }
  expect(pages).toEqual([1, 1, 1]);
  const all = await client.flexApi.v1.interaction(sid).channels.list({ pageSize: 1 });
  expect(all.map((c) => c.type)).toEqual(['sms', 'email', 'sms']);
  const seen: string[] = [];
  await client.flexApi.v1.interaction(sid).channels.each({ pageSize: 2 }, (channel) => {
    seen.push(channel.sid);
  });
  expect(seen).toEqual(all.map((c) => c.sid));
});

test('channels, participants and invites of a transferred interaction', async () => {
  const sid = emulator.seededSid('transferred');
  const [channel] = await client.flexApi.v1.interaction(sid).channels.list();
  const invites = await client.flexApi.v1.interaction(sid).channels(channel!.sid).invites.list();
  expect(invites).toHaveLength(2);
  expect(new Set(invites.map((i) => i.routing.properties.queue_name))).toEqual(new Set(['Card Services', 'Fraud Prevention']));
  const participants = await client.flexApi.v1.interaction(sid).channels(channel!.sid).participants.list();
  expect(participants.map((p) => p.type).sort()).toEqual(['agent', 'agent', 'customer']);

  const added = await client.flexApi.v1
    .interaction(sid)
    .channels(channel!.sid)
    .participants.create({ type: 'supervisor', mediaProperties: { identity: 'mei.lin@harbourbank.example' } });
  expect(added.type).toBe('supervisor');
  const closed = await client.flexApi.v1.interaction(sid).channels(channel!.sid).update({ status: 'closed' });
  expect(closed.status).toBe('closed');
});

test('transfers through the helper: the object given is the JSON body; a { body } wrapper is refused, not guessed', async () => {
  const sid = emulator.seededSid('transferred');
  const [channel] = await client.flexApi.v1.interaction(sid).channels.list();
  const transfers = client.flexApi.v1.interaction(sid).channels(channel!.sid).transfers;
  const seeded = emulator.store.transfersOf(channel!.sid)[0]!;
  const fetched = await transfers(seeded.sid).fetch();
  expect(fetched).toMatchObject({
    sid: seeded.sid,
    type: 'warm',
    status: 'active',
    from: expect.stringMatching(/^UT/),
    to: expect.stringMatching(/^UT/),
  });
  // The helper's types say { body?: object }, but it sends the object it is given.
  const created = await transfers.create({ type: 'cold', from: fetched.from, to: 'WQ' + '0'.repeat(32) } as never);
  expect(created).toMatchObject({ type: 'cold', status: 'active', from: fetched.from });
  await expect(transfers.create({ body: { type: 'cold' } })).rejects.toMatchObject({ status: 400, code: 20001 });
  const completed = await transfers(created.sid).update({ status: 'completed' } as never);
  expect(completed.status).toBe('completed');
});

test('task updates honour If-Match: a stale ETag is refused with 412', async () => {
  const interaction = await client.flexApi.v1.interaction(emulator.seededSid('Inbound SMS')).fetch();
  const { workspace_sid: ws, sid: taskSid } = interaction.routing.properties;
  const task = client.taskrouter.v1.workspaces(ws).tasks(taskSid);
  const first = await task.fetchWithHttpInfo();
  const etag = first.headers.etag as string;
  const attributes = JSON.parse(first.body.attributes);
  await task.update({ attributes: JSON.stringify({ ...attributes, step: 1 }), ifMatch: etag });
  await expect(task.update({ attributes: JSON.stringify({ ...attributes, step: 2 }), ifMatch: etag })).rejects.toMatchObject({
    status: 412,
  });
  const latest = await task.fetchWithHttpInfo();
  expect(JSON.parse(latest.body.attributes).step).toBe(1);
  await task.update({ attributes: JSON.stringify({ ...attributes, step: 3 }), ifMatch: latest.headers.etag as string });
  expect(JSON.parse((await task.fetch()).attributes).step).toBe(3);
});

test('Sync Documents: create with a unique name and a time to live, fetch and update by name, If-Match on the revision', async () => {
  const service = client.sync.v1.services('IS955a9d7833302df324fb4ee3f3553e6c');
  expect((await service.fetch()).uniqueName).toBe('interaction-enrichments');
  // A bare Interaction SID is no unique name (Sync refuses one that looks like a SID, code 54302).
  const uniqueName = 'enrichment:KD0b991f2d3727d40d5cc59aeb35491eb4';
  const created = await service.documents.create({ uniqueName, data: { customer: 'Ada Byrne' }, ttl: 3600 });
  expect(created).toMatchObject({ uniqueName, revision: '0', data: { customer: 'Ada Byrne' }, createdBy: 'system' });
  expect(created.dateExpires.getTime() - created.dateCreated.getTime()).toBe(3600_000);
  await expect(service.documents.create({ uniqueName, data: {} })).rejects.toMatchObject({ status: 409, code: 54301 });

  const fetched = await service.documents(uniqueName).fetch();
  expect(fetched.sid).toBe(created.sid);
  const updated = await service.documents(uniqueName).update({ data: { customer: 'Ada Byrne', step: 1 }, ifMatch: fetched.revision });
  expect(updated).toMatchObject({ revision: '1', data: { step: 1 } });
  await expect(service.documents(uniqueName).update({ data: { step: 2 }, ifMatch: fetched.revision })).rejects.toMatchObject({
    status: 412,
    code: 54103,
  });
  expect((await service.documents(created.sid).fetch()).data).toEqual({ customer: 'Ada Byrne', step: 1 });
  expect((await service.documents.list()).map((document) => document.uniqueName)).toContain(uniqueName);
  expect(await service.documents(uniqueName).remove()).toBe(true);
  await expect(service.documents(uniqueName).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
});

test('a deleted Conversation is a 404 RestException, as Twilio answers', async () => {
  const interaction = await client.flexApi.v1.interaction(emulator.seededSid('conversation was deleted')).fetch();
  const conversationSid = JSON.parse(interaction.routing.properties.attributes).conversationSid;
  await expect(client.conversations.v1.conversations(conversationSid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
});

test('wrong credentials are a 401 RestException with code 20003', async () => {
  const intruder = redirectedClient(emulator.url, { username: emulator.accountSid, password: 'wrong-wrong-wrong-wrong-wrong-00' }).client;
  await expect(intruder.flexApi.v1.interaction(emulator.seededSid('Inbound SMS')).fetch()).rejects.toMatchObject({
    status: 401,
    code: 20003,
  });
});

test('every request carried the Twilio host it was meant for', () => {
  const hosts = new Set(emulator.requests().map((r) => `${r.operationId} ${r.host}`));
  expect(hosts).toContain(`FetchInteraction flex-api.twilio.com`);
  expect(hosts).toContain(`FetchConversation conversations.twilio.com`);
  expect(hosts).toContain(`UpdateTask taskrouter.twilio.com`);
  expect(hosts).toContain(`FetchService sync.twilio.com`);
  expect(hosts).toContain(`UpdateDocument sync.twilio.com`);
});
