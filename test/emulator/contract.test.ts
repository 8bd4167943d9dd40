import { startTestEmulator, type TestEmulator } from '../../harness';
import { rawRequest, type Auth, type RawAnswer } from '../support/raw-api';
import { undeclaredProperties, validateAgainstSpec, validateTwilioError } from '../support/twilio-oai';

/**
 * Every kind of answer the emulator gives, checked against Twilio's own
 * OpenAPI description of the operation (twilio-oai): success bodies against
 * the operation's response schema, with no property the spec does not
 * declare; error bodies against Twilio's error schema.
 */

let emulator: TestEmulator;
let account: Auth;
let sids: {
  interaction: string;
  multiChannel: string;
  channel: string;
  task: string;
  workspace: string;
  conversation: string;
  deletedConversation: string;
};

beforeAll(async () => {
  emulator = await startTestEmulator();
  account = { user: emulator.accountSid, password: emulator.authToken };
  const sms = emulator.store.find('interaction', emulator.seededSid('Inbound SMS'))!;
  const task = emulator.store.find('task', sms.primaryTaskSid)!;
  const deleted = emulator.store.find('interaction', emulator.seededSid('conversation was deleted'))!;
  sids = {
    interaction: sms.sid,
    multiChannel: emulator.seededSid('three channels'),
    channel: sms.channelSids[0]!,
    task: task.sid,
    workspace: task.workspaceSid,
    conversation: JSON.parse(task.attributes).conversationSid,
    deletedConversation: JSON.parse(emulator.store.find('task', deleted.primaryTaskSid)!.attributes).conversationSid,
  };
});
afterAll(() => emulator.close());

const call = (method: string, path: string, options: Parameters<typeof rawRequest>[3] = { auth: account }) =>
  rawRequest(emulator.url, method, path, options);

function expectSpecResponse(operationId: string, answer: RawAnswer, status: number, listKey?: string) {
  expect(answer.status).toBe(status);
  expect(validateAgainstSpec(operationId, status, answer.body)).toEqual([]);
  expect(undeclaredProperties(operationId, status, answer.body, listKey)).toEqual([]);
}

function expectTwilioError(answer: RawAnswer, status: number, code: number) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/application\/json/);
  expect(validateTwilioError(answer.body)).toEqual([]);
  expect(answer.body).toMatchObject({ status, code, more_info: `https://www.twilio.com/docs/errors/${code}` });
}

describe('success answers match twilio-oai', () => {
  test('FetchInteraction', async () => {
    expectSpecResponse('FetchInteraction', await call('GET', `/v1/Interactions/${sids.interaction}`), 200);
  });

  test('CreateInteraction', async () => {
    const answer = await call('POST', '/v1/Interactions', {
      auth: account,
      form: {
        Channel: JSON.stringify({
          type: 'sms',
          initiated_by: 'customer',
          participants: [{ address: '+15005550006', proxy_address: '+15005550001' }],
        }),
        Routing: JSON.stringify({
          properties: { workspace_sid: sids.workspace, task_channel_unique_name: 'sms', attributes: { customerName: 'Ana Silva' } },
        }),
      },
    });
    expectSpecResponse('CreateInteraction', answer, 201);
  });

  test('UpdateInteraction', async () => {
    const answer = await call('POST', `/v1/Interactions/${sids.interaction}`, {
      auth: account,
      form: { WebhookTtid: 'flex_interactionwebhook_contract' },
    });
    expectSpecResponse('UpdateInteraction', answer, 200);
    expect(answer.body.webhook_ttid).toBe('flex_interactionwebhook_contract');
  });

  test('ListInteractionChannel, first and later pages', async () => {
    const first = await call('GET', `/v1/Interactions/${sids.multiChannel}/Channels?PageSize=2`);
    expectSpecResponse('ListInteractionChannel', first, 200, 'channels');
    expect(first.body.meta.next_page_url).toMatch(
      /^https:\/\/flex-api\.twilio\.com\/v1\/Interactions\/KD\w+\/Channels\?PageSize=2&Page=1&PageToken=PT2$/,
    );
    const next = new URL(first.body.meta.next_page_url);
    const second = await call('GET', next.pathname + next.search);
    expectSpecResponse('ListInteractionChannel', second, 200, 'channels');
    expect(second.body.channels).toHaveLength(1);
    expect(second.body.meta.next_page_url).toBeNull();
  });

  test('FetchInteractionChannel and UpdateInteractionChannel', async () => {
    expectSpecResponse('FetchInteractionChannel', await call('GET', `/v1/Interactions/${sids.interaction}/Channels/${sids.channel}`), 200);
    const updated = await call(
      'POST',
      `/v1/Interactions/${sids.multiChannel}/Channels/${emulator.store.find('interaction', sids.multiChannel)!.channelSids[2]}`,
      {
        auth: account,
        form: { Status: 'inactive' },
      },
    );
    expectSpecResponse('UpdateInteractionChannel', updated, 200);
    expect(updated.body.status).toBe('inactive');
  });

  test('ListInteractionChannelParticipant and CreateInteractionChannelParticipant', async () => {
    const path = `/v1/Interactions/${sids.interaction}/Channels/${sids.channel}/Participants`;
    expectSpecResponse('ListInteractionChannelParticipant', await call('GET', path), 200, 'participants');
    const created = await call('POST', path, {
      auth: account,
      form: { Type: 'supervisor', MediaProperties: JSON.stringify({ identity: 'mei.lin@harbourbank.example' }) },
    });
    expectSpecResponse('CreateInteractionChannelParticipant', created, 201);
  });

  test('ListInteractionChannelInvite and CreateInteractionChannelInvite', async () => {
    const path = `/v1/Interactions/${sids.interaction}/Channels/${sids.channel}/Invites`;
    expectSpecResponse('ListInteractionChannelInvite', await call('GET', path), 200, 'invites');
    const queue = emulator.store.find('task', sids.task)!.queueSid;
    const created = await call('POST', path, { auth: account, form: { Routing: JSON.stringify({ properties: { queue_sid: queue } }) } });
    expectSpecResponse('CreateInteractionChannelInvite', created, 201);
    expect(created.body.routing.properties.queue_sid).toBe(queue);
    expect((await call('GET', path)).body.invites.map((i: { sid: string }) => i.sid)).toContain(created.body.sid);
  });

  test('UpdateInteractionChannelParticipant: closed or wrapup', async () => {
    const participant = emulator.store.participantsOf(sids.channel).find((p) => p.type === 'agent')!;
    const path = `/v1/Interactions/${sids.interaction}/Channels/${sids.channel}/Participants/${participant.sid}`;
    const updated = await call('POST', path, { auth: account, form: { Status: 'wrapup' } });
    expectSpecResponse('UpdateInteractionChannelParticipant', updated, 200);
    expect(emulator.store.participantsOf(sids.channel).find((p) => p.sid === participant.sid)!.status).toBe('wrapup');
    expectTwilioError(await call('POST', path, { auth: account, form: { Status: 'gone' } }), 400, 20001);
  });

  test('FetchInteractionTransfer: the seeded warm and cold transfers', async () => {
    for (const label of ['transferred from Card Services', 'cold transfer']) {
      const interaction = emulator.store.find('interaction', emulator.seededSid(label))!;
      const channelSid = interaction.channelSids[0]!;
      const [transfer] = emulator.store.transfersOf(channelSid);
      const answer = await call('GET', `/v1/Interactions/${interaction.sid}/Channels/${channelSid}/Transfers/${transfer!.sid}`);
      expectSpecResponse('FetchInteractionTransfer', answer, 200);
      expect(answer.body).toMatchObject({ status: 'active', type: label === 'cold transfer' ? 'cold' : 'warm' });
      expect(answer.body.from).toMatch(/^UT/);
    }
  });

  test('CreateInteractionTransfer and UpdateInteractionTransfer take a JSON body, as the helper sends it', async () => {
    const path = `/v1/Interactions/${sids.interaction}/Channels/${sids.channel}/Transfers`;
    const from = emulator.store.participantsOf(sids.channel).find((p) => p.type === 'agent')!.sid;
    const created = await call('POST', path, { auth: account, json: { type: 'warm', from, to: 'WK' + '1'.repeat(32) } });
    expectSpecResponse('CreateInteractionTransfer', created, 201);
    expect(created.body).toMatchObject({ type: 'warm', status: 'active', from });
    const updated = await call('POST', `${path}/${created.body.sid}`, { auth: account, json: { status: 'completed' } });
    expectSpecResponse('UpdateInteractionTransfer', updated, 200);
    expect(updated.body.status).toBe('completed');
    expectTwilioError(await call('POST', path, { auth: account, json: { type: 'sideways' } }), 400, 20001);
    // A transfer is found only under its own interaction and channel.
    const other = emulator.store.find('interaction', sids.multiChannel)!;
    expectTwilioError(
      await call('GET', `/v1/Interactions/${other.sid}/Channels/${other.channelSids[0]}/Transfers/${created.body.sid}`),
      404,
      20404,
    );
  });

  test('FetchConversation and ListConversationParticipant', async () => {
    expectSpecResponse('FetchConversation', await call('GET', `/v1/Conversations/${sids.conversation}`), 200);
    expectSpecResponse(
      'ListConversationParticipant',
      await call('GET', `/v1/Conversations/${sids.conversation}/Participants`),
      200,
      'participants',
    );
  });

  test('FetchTask answers an ETag; UpdateTask with the current one succeeds', async () => {
    const path = `/v1/Workspaces/${sids.workspace}/Tasks/${sids.task}`;
    const fetched = await call('GET', path);
    expectSpecResponse('FetchTask', fetched, 200);
    const etag = fetched.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const updated = await call('POST', path, {
      auth: account,
      form: { Attributes: JSON.stringify({ ...JSON.parse(fetched.body.attributes), note: 'contract' }) },
      headers: { 'If-Match': etag },
    });
    expectSpecResponse('UpdateTask', updated, 200);
    expect(updated.headers.get('etag')).not.toBe(etag);
  });

  test('an API key and secret are accepted like the auth token', async () => {
    const answer = await call('GET', `/v1/Interactions/${sids.interaction}`, {
      auth: { user: emulator.apiKey.sid, password: emulator.apiKey.secret },
    });
    expectSpecResponse('FetchInteraction', answer, 200);
  });
});

describe('error answers match Twilio error schema', () => {
  test('no credentials or wrong ones: 401, code 20003', async () => {
    expectTwilioError(await call('GET', `/v1/Interactions/${sids.interaction}`, { auth: 'none' }), 401, 20003);
    const wrong = await call('GET', `/v1/Interactions/${sids.interaction}`, {
      auth: { user: emulator.accountSid, password: 'x'.repeat(32) },
    });
    expectTwilioError(wrong, 401, 20003);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
  });

  test('unknown and malformed SIDs, and unknown paths: 404, code 20404', async () => {
    const unknown = `KD${'0'.repeat(32)}`;
    const answer = await call('GET', `/v1/Interactions/${unknown}`);
    expectTwilioError(answer, 404, 20404);
    expect(answer.body.message).toBe(`The requested resource /v1/Interactions/${unknown} was not found`);
    expectTwilioError(await call('GET', '/v1/Interactions/KD123'), 404, 20404);
    expectTwilioError(await call('GET', `/v1/Interactions/WT${'0'.repeat(32)}`), 404, 20404);
    expectTwilioError(await call('GET', '/v1/Nothing/Here'), 404, 20404);
    expectTwilioError(await call('GET', `/v1/Conversations/${sids.deletedConversation}`), 404, 20404);
  });

  test('a request meant for another Twilio product is a 404 there', async () => {
    const answer = await call('GET', `/v1/Interactions/${sids.interaction}`, {
      auth: account,
      headers: { 'X-Forwarded-Host': 'conversations.twilio.com' },
    });
    expectTwilioError(answer, 404, 20404);
    const right = await call('GET', `/v1/Interactions/${sids.interaction}`, {
      auth: account,
      headers: { 'X-Forwarded-Host': 'flex-api.twilio.com' },
    });
    expect(right.status).toBe(200);
  });

  test('missing or malformed parameters: 400, code 20001', async () => {
    expectTwilioError(await call('POST', '/v1/Interactions', { auth: account, form: { Routing: '{}' } }), 400, 20001);
    expectTwilioError(
      await call('POST', '/v1/Interactions', { auth: account, form: { Channel: '{"type":"sms"', Routing: '{}' } }),
      400,
      20001,
    );
    expectTwilioError(
      await call('POST', '/v1/Interactions', { auth: account, form: { Channel: '{"type":"pigeon"}', Routing: '{}' } }),
      400,
      20001,
    );
    expectTwilioError(await call('GET', `/v1/Interactions/${sids.interaction}/Channels?PageSize=0`), 400, 20001);
    expectTwilioError(await call('GET', `/v1/Interactions/${sids.interaction}/Channels?PageToken=nope`), 400, 20001);
  });

  test('a method the resource does not support: 405, code 20004', async () => {
    expectTwilioError(await call('DELETE', `/v1/Interactions/${sids.interaction}`), 405, 20004);
    expectTwilioError(await call('PUT', '/v1/Interactions'), 405, 20004);
  });

  test('a stale If-Match: 412', async () => {
    const answer = await call('POST', `/v1/Workspaces/${sids.workspace}/Tasks/${sids.task}`, {
      auth: account,
      form: { Attributes: '{}' },
      headers: { 'If-Match': '"999999"' },
    });
    expectTwilioError(answer, 412, 20412);
  });

  test('bodies the parser refuses: 400 for broken JSON, 415 for an unknown type, 413 when too large', async () => {
    expectTwilioError(
      await call('POST', '/v1/Interactions', { auth: account, body: '{"Channel":', headers: { 'Content-Type': 'application/json' } }),
      400,
      20001,
    );
    expectTwilioError(
      await call('POST', '/v1/Interactions', { auth: account, body: '<xml/>', headers: { 'Content-Type': 'application/xml' } }),
      415,
      20415,
    );
    expectTwilioError(
      await call('POST', '/v1/Interactions', { auth: account, form: { Channel: 'x'.repeat(2 * 1024 * 1024) } }),
      413,
      20413,
    );
  });

  test('injected faults: 429 (20429), 500 and 503', async () => {
    for (const status of [429, 500, 503] as const) {
      emulator.faults = { rules: [{ match: 'FetchInteraction', errors: [{ status, rate: 1 }] }] };
      const answer = await call('GET', `/v1/Interactions/${sids.interaction}`);
      expectTwilioError(answer, status, status === 429 ? 20429 : 20500);
    }
    emulator.faults = { rules: [] };
  });

  test("past Twilio's rate limit: 429, code 20429", async () => {
    emulator.rateLimits = { interactionsPerSecond: 1, syncObjectReadsPerSecond: 1, syncObjectWritesPerSecond: 1 };
    try {
      expect((await call('GET', `/v1/Interactions/${sids.interaction}`)).status).toBe(200);
      expectTwilioError(await call('GET', `/v1/Interactions/${sids.interaction}`), 429, 20429);
    } finally {
      emulator.rateLimits = null;
    }
  });
});

describe('IAM token validation (not in twilio-oai; shaped as twilio-flex-token-validator reads it)', () => {
  const path = () => `/v1/Accounts/${emulator.accountSid}/Tokens/validate`;

  test('a minted token is valid and carries its claims', async () => {
    const token = emulator.mintFlexToken({ roles: ['supervisor'] });
    const answer = await call('POST', path(), { auth: account, json: { token } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      valid: true,
      code: 0,
      message: null,
      expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      realm_user_id: expect.stringMatching(/^US[0-9a-f]{32}$/),
      identity: expect.any(String),
      flex_instance_sid: expect.stringMatching(/^GO[0-9a-f]{32}$/),
      worker_sid: expect.stringMatching(/^WK[0-9a-f]{32}$/),
      roles: ['supervisor'],
    });
  });

  test('unknown and expired tokens are answered valid: false', async () => {
    const unknown = await call('POST', path(), { auth: account, json: { token: 'eyJhbGciOiJkaXIifQ..bm9wZQ.bm9wZQ.bm9wZQ' } });
    expect(unknown.body).toMatchObject({ valid: false, code: 20101 });
    const expired = await call('POST', path(), { auth: account, json: { token: emulator.mintFlexToken({ ttlSeconds: -10 }) } });
    expect(expired.body).toMatchObject({ valid: false, code: 20104 });
  });

  test('errors keep Twilio error shape', async () => {
    expectTwilioError(await call('POST', path(), { auth: account, json: {} }), 400, 20001);
    expectTwilioError(await call('POST', path(), { auth: 'none', json: { token: 'x' } }), 401, 20003);
    expectTwilioError(
      await call('POST', `/v1/Accounts/AC${'0'.repeat(32)}/Tokens/validate`, { auth: account, json: { token: 'x' } }),
      404,
      20404,
    );
  });
});

describe('the contract checks themselves', () => {
  test('reject what the spec forbids', () => {
    expect(validateAgainstSpec('FetchInteraction', 200, { sid: 'KD-not-a-sid' })).not.toEqual([]);
    expect(validateAgainstSpec('FetchTask', 200, { age: 'twenty' })).not.toEqual([]);
    expect(validateAgainstSpec('ListInteractionChannel', 200, { channels: [{ status: 'sleeping' }] })).not.toEqual([]);
    expect(undeclaredProperties('FetchInteraction', 200, { sid: 'x', invented: 1 })).toEqual(['invented']);
    expect(validateTwilioError({ code: 20404, message: 'missing more_info', status: 404 })).not.toEqual([]);
  });

  test("accept null where OpenAPI's nullable allows it", () => {
    expect(validateAgainstSpec('FetchInteraction', 200, { sid: null, channel: null, routing: null, url: null, links: null })).toEqual([]);
  });
});
