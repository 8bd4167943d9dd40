import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { requestEndpoint, type EndpointCheck } from '../support/endpoints';
import { rawRequest, type RawAnswer } from '../support/raw-api';
import { assertMatchesSchema } from '../support/schema';

/**
 * The three endpoints as their callers use them: the real `twilio-run start`
 * serving the built dist/, against the emulator. Upstream calls are counted
 * in the emulator's request log. The cache is off here so every request
 * shows its own calls (test/reliability covers the cache).
 */

let emulator: TestEmulator;
let functions: FunctionsServer;
let sms: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  functions = await startFunctions(emulatorEnv(emulator, { CACHE_TTL_MS: '0', FLEX_ALLOWED_ORIGINS: 'https://flex.twilio.com' }));
  sms = emulator.seededSid('Inbound SMS');
}, 60_000);
afterAll(async () => {
  await functions?.stop();
  await emulator?.close();
});
beforeEach(() => emulator.clearRequests());

type Body = { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } & EndpointCheck;
/** Every answer held to schema/openapi.json; a request meant to be malformed says how (test/support/openapi.ts). */
const call = (method: string, path: string, body: Body = {}) => requestEndpoint(functions.url, method, path, body);
/** What the runtime answers before any function runs: not the functions' answers, so not the document's. */
const callRuntime = (method: string, path: string, body: Body = {}) => rawRequest(functions.url, method, path, { auth: 'none', ...body });

function expectPayload(answer: RawAnswer) {
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  assertMatchesSchema('payload', answer.body);
  return answer.body;
}

function expectError(answer: RawAnswer, status: number, code: string) {
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  assertMatchesSchema('error', answer.body);
  expect(answer.body.error.code).toBe(code);
  expect(answer.status).toBe(status);
  return answer.body.error;
}

describe('/studio/interaction (Studio: form, JSON or query parameters)', () => {
  test('a form post answers the enriched payload with one upstream call', async () => {
    const body = expectPayload(await call('POST', '/studio/interaction', { form: { InteractionSid: sms } }));
    expect(body.channel.type).toBe('sms');
    expect(body.customer).toMatchObject({ name: 'Priya Raman', phone: '+14155550134' });
    expect(body.task).toMatchObject({
      queueName: 'Billing Support',
      assignmentStatus: 'assigned',
      dateCreated: expect.stringMatching(/Z$/),
    });
    expect(body.conversation).toMatchObject({ sid: expect.stringMatching(/^CH/), direction: 'inbound' });
    expect(body.meta).toMatchObject({ upstreamCalls: 1, include: [], cache: 'miss', partial: false, warnings: [] });
    expect(emulator.countByOperation()).toEqual({ FetchInteraction: 1 });
  });

  test('a JSON body and a GET with query parameters answer the same interaction', async () => {
    const json = expectPayload(await call('POST', '/studio/interaction', { json: { InteractionSid: sms } }));
    const get = expectPayload(await call('GET', `/studio/interaction?InteractionSid=${sms}`));
    expect(json.interaction.sid).toBe(sms);
    expect(get.interaction.sid).toBe(sms);
    expect(get.task.sid).toBe(json.task.sid);
  });

  test.each([
    ['', { FetchInteraction: 1 }],
    ['channels', { FetchInteraction: 1, ListInteractionChannel: 1 }],
    ['participants', { FetchInteraction: 1, ListInteractionChannel: 1, ListInteractionChannelParticipant: 3 }],
    ['invites', { FetchInteraction: 1, ListInteractionChannel: 1, ListInteractionChannelInvite: 3 }],
    ['conversation', { FetchInteraction: 1, FetchConversation: 1, ListConversationParticipant: 1 }],
    ['task', { FetchInteraction: 1, FetchTask: 1 }],
    [
      'all',
      {
        FetchInteraction: 1,
        ListInteractionChannel: 1,
        ListInteractionChannelParticipant: 3,
        ListInteractionChannelInvite: 3,
        FetchConversation: 1,
        ListConversationParticipant: 1,
        FetchTask: 1,
      },
    ],
  ])('include=%s makes exactly these upstream calls (an interaction with three channels)', async (include, calls) => {
    const threeChannels = emulator.seededSid('three channels');
    const body = expectPayload(await call('POST', '/studio/interaction', { form: { InteractionSid: threeChannels, include } }));
    expect(emulator.countByOperation()).toEqual(calls);
    const total = Object.values(calls).reduce((sum, n) => sum + n, 0);
    expect(body.meta.upstreamCalls).toBe(total);
    if (include === 'all') {
      expect(body.channels).toHaveLength(3);
      expect(body.channels.map((c: { participants: unknown[] }) => c.participants.length)).toEqual([2, 1, 0]);
      expect(body.conversation.details.sid).toBe(body.conversation.sid);
      expect(body.liveTask.sid).toBe(body.task.sid);
    }
  });

  test.each([
    ['warm', 'transferred from Card Services'],
    ['cold', 'cold transfer'],
  ])(
    'include=all with TransferSid on the seeded %s transfer: its invites, participants with worker and task, the transfer (one call more)',
    async (type, label) => {
      const sid = emulator.seededSid(label);
      const channelSid = emulator.store.find('interaction', sid)!.channelSids[0]!;
      const [transfer] = emulator.store.transfersOf(channelSid);
      const body = expectPayload(
        await call('POST', '/studio/interaction', { form: { InteractionSid: sid, include: 'all', TransferSid: transfer!.sid } }),
      );
      expect(emulator.countByOperation()).toMatchObject({ FetchInteractionTransfer: 1, ListInteractionChannelInvite: 1 });
      expect(body.transfer).toMatchObject({ sid: transfer!.sid, type, status: 'active', channelSid });
      const [channel] = body.channels;
      // The invite that routed the first task, then the transfer's: the warm one accepted, the cold one waiting in its queue.
      expect(channel.invites).toHaveLength(2);
      expect(channel.invites[1]).toMatchObject({
        taskSid: emulator.store.invitesOf(channelSid).at(-1)!.taskSid,
        assignmentStatus: type === 'warm' ? 'assigned' : 'pending',
      });
      const agents = channel.participants.filter((p: { type: string }) => p.type === 'agent');
      expect(agents.length).toBeGreaterThan(0);
      for (const agent of agents)
        expect(agent).toMatchObject({ channelSid, workerSid: expect.stringMatching(/^WK/), taskSid: expect.stringMatching(/^WT/) });
      expect(body.transfer.fromParticipantSid).toBe(agents.find((a: { taskSid: string }) => a.taskSid === body.task.sid).sid);
    },
  );

  test("a TransferSid that is not this interaction's: a 200 with transfer null and transfer_not_found", async () => {
    const sms = emulator.seededSid('Inbound SMS');
    const body = expectPayload(
      await call('POST', '/studio/interaction', { form: { InteractionSid: sms, TransferSid: 'UX' + '0'.repeat(32) } }),
    );
    expect(body.transfer).toBeNull();
    expect(body.meta.warnings.map((w: { code: string }) => w.code)).toContain('transfer_not_found');
    expect(emulator.countByOperation()).toEqual({ FetchInteraction: 1, FetchInteractionTransfer: 1 });
  });

  test('include=all on a voice call: no Conversation to read, and the answer says why', async () => {
    const body = expectPayload(
      await call('POST', '/studio/interaction', { form: { InteractionSid: emulator.seededSid('voice'), include: 'all' } }),
    );
    expect(body.conversation.sid).toBeNull();
    expect(body.meta.warnings.map((w: { code: string }) => w.code)).toContain('no_conversation');
    expect(emulator.countByOperation().FetchConversation).toBeUndefined();
  });

  test('a deleted Conversation and invalid task attributes are warnings, not errors', async () => {
    const deleted = expectPayload(
      await call('POST', '/studio/interaction', {
        form: { InteractionSid: emulator.seededSid('conversation was deleted'), include: 'conversation' },
      }),
    );
    expect(deleted.conversation.details).toBeNull();
    expect(deleted.meta.warnings.map((w: { code: string }) => w.code)).toContain('conversation_not_found');
    const broken = expectPayload(
      await call('POST', '/studio/interaction', { form: { InteractionSid: emulator.seededSid('not valid JSON') } }),
    );
    expect(broken.task.attributes).toBeNull();
    expect(typeof broken.task.attributesRaw).toBe('string');
    expect(broken.meta.warnings.map((w: { code: string }) => w.code)).toEqual(['task_attributes_invalid_json']);
  });

  test('a very large interaction is trimmed under 64 kB, and the payload says what was cut', async () => {
    const interaction = emulator.store.find('interaction', emulator.seededSid('three channels'))!;
    const large = emulator.store.createInteraction({
      channel: { type: 'sms', participants: [{ address: '+14155550199', name: 'Noah Williams' }] },
      routing: { properties: { workspace_sid: emulator.store.find('task', interaction.primaryTaskSid)!.workspaceSid } },
    });
    for (let c = 0; c < 150; c += 1) {
      const channel = emulator.store.addChannel(large, { type: 'email', status: 'closed' });
      for (let p = 0; p < 4; p += 1)
        emulator.store.addChannelParticipant(channel, { type: 'agent', routingProperties: { note: 'x'.repeat(40), index: p } });
    }
    const answer = await call('POST', '/studio/interaction', { form: { InteractionSid: large.sid, include: 'all' } });
    const body = expectPayload(answer);
    expect(Buffer.byteLength(answer.text)).toBeLessThanOrEqual(60_000);
    expect(body.meta.truncated).toBeDefined();
    expect(body.meta.warnings.map((w: { code: string }) => w.code)).toContain('truncated');
  });
});

describe('bad input is a 400 that names the problem, before anything is sent upstream', () => {
  test.each([
    [{}, 'missing_interaction_sid', 'InteractionSid'],
    [{ InteractionSid: 'KD123' }, 'invalid_interaction_sid', 'InteractionSid'],
    [{ InteractionSid: `KD${'a'.repeat(31)}/` }, 'invalid_interaction_sid', 'InteractionSid'],
    [{ interactionSid: 'WT' + 'a'.repeat(32) }, 'invalid_interaction_sid', 'interactionSid'],
    [{ InteractionSid: 'KD' + 'a'.repeat(32), include: 'everything' }, 'invalid_include', 'include'],
  ])('%j -> %s', async (form, code, parameter) => {
    const error = expectError(await call('POST', '/studio/interaction', { form, request: 'invalid' }), 400, code);
    expect(error.parameter).toBe(parameter);
    expect(emulator.requests()).toEqual([]);
  });

  test('broken JSON is a 400 JSON error, not a crash', async () => {
    const answer = await callRuntime('POST', '/studio/interaction', {
      body: '{"InteractionSid": ',
      headers: { 'Content-Type': 'application/json' },
    } as Body);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(emulator.requests()).toEqual([]);
  });

  const endpoints = ['/studio/interaction', '/interaction', '/webhooks/interaction'];

  test.each(endpoints)(
    '%s: one value under two names must agree (InteractionSid and interactionSid, include and Include)',
    async (path) => {
      const token = { Token: emulator.mintFlexToken() };
      const other = 'KD' + 'a'.repeat(32);
      // Names that disagree: a fault the document states in words, not in its schema.
      const unchecked = { request: 'unchecked' } as const;
      const twoSids = await call('POST', path, { json: { ...token, InteractionSid: sms, interactionSid: other }, ...unchecked });
      expect(expectError(twoSids, 400, 'conflicting_parameters').parameter).toBe('interactionSid');
      const bogusInclude = await call('POST', `${path}?include=task`, {
        json: { ...token, InteractionSid: sms, Include: 'bogus' },
        request: 'invalid',
      });
      expect(expectError(bogusInclude, 400, 'invalid_include').parameter).toBe('Include');
      const twoIncludes = await call('POST', path, {
        json: { ...token, InteractionSid: sms, include: 'task', Include: 'channels' },
        ...unchecked,
      });
      expectError(twoIncludes, 400, 'conflicting_parameters');
      expect(emulator.requests()).toEqual([]);
    },
  );

  test.each(endpoints)('%s: a body field named request cannot stand in for the request headers', async (path) => {
    const answer = await call('POST', path, {
      json: {
        Token: emulator.mintFlexToken(),
        InteractionSid: sms,
        request: { headers: { origin: 'https://flex.twilio.com', 'x-request-id': 'spoofed-request-id' } },
      },
      headers: { Origin: 'https://evil.example' },
      request: 'invalid',
    });
    expect(expectError(answer, 400, 'invalid_request').parameter).toBe('request');
    expect(answer.headers.get('x-request-id')).not.toBe('spoofed-request-id');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(emulator.requests()).toEqual([]);
  });

  test.each(endpoints)('%s: fresh must be true or false', async (path) => {
    for (const fresh of ['yes', '2']) {
      const answer = await call('POST', path, {
        form: { Token: emulator.mintFlexToken(), InteractionSid: sms, fresh },
        request: 'invalid',
      });
      expect(expectError(answer, 400, 'invalid_request').parameter).toBe('fresh');
    }
    expect(emulator.requests()).toEqual([]);
  });

  test('an interaction that does not exist is a 404 with Twilio’s code', async () => {
    const error = expectError(
      await call('POST', '/studio/interaction', { form: { InteractionSid: 'KD' + '0'.repeat(32) } }),
      404,
      'interaction_not_found',
    );
    expect(error.twilioCode).toBe(20404);
  });
});

describe('/interaction (Flex plugins: the Flex token is checked with Twilio IAM first)', () => {
  const flexOrigin = { Origin: 'https://flex.twilio.com' };

  test('a valid token: the payload, with CORS headers for the Flex UI origin', async () => {
    const token = emulator.mintFlexToken();
    const answer = await call('POST', '/interaction', { json: { Token: token, InteractionSid: sms }, headers: flexOrigin });
    expectPayload(answer);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://flex.twilio.com');
    // A plugin's script reads the request id and, on a 429, when to try again.
    expect(answer.headers.get('access-control-expose-headers')).toBe('X-Request-Id, Retry-After');
    expect(emulator.requests().map((r) => r.operationId)).toEqual(['ValidateToken', 'FetchInteraction']);
  });

  test('form-encoded, as a plugin using URLSearchParams sends it', async () => {
    const token = emulator.mintFlexToken();
    expectPayload(await call('POST', '/interaction', { form: { Token: token, InteractionSid: sms } }));
  });

  test('a token in the URL is a 400 that says it belongs in the POST body, and nothing is sent to IAM', async () => {
    const token = emulator.mintFlexToken();
    const inQuery = await call('POST', `/interaction?Token=${token}`, { json: { InteractionSid: sms }, request: 'invalid' });
    expect(expectError(inQuery, 400, 'invalid_request')).toMatchObject({
      parameter: 'Token',
      message: expect.stringMatching(/body of a POST/),
    });
    const byGet = await call('GET', `/interaction?Token=${token}&InteractionSid=${sms}`, { request: 'invalid' });
    expect(expectError(byGet, 400, 'invalid_request').parameter).toBe('Token');
    // A body longer than the token, of other parameters only: the runtime merges the URL's token into the event all the same.
    const padded = await call('POST', `/interaction?Token=${token}`, {
      json: { InteractionSid: sms, Note: 'x'.repeat(2 * token.length) },
      request: 'invalid',
    });
    expect(expectError(padded, 400, 'invalid_request').parameter).toBe('Token');
    expect(emulator.requests()).toEqual([]);
  });

  test('no token: 401 and nothing fetched', async () => {
    expectError(
      await call('POST', '/interaction', { form: { InteractionSid: sms }, headers: flexOrigin, request: 'invalid' }),
      401,
      'missing_token',
    );
    expect(emulator.requests()).toEqual([]);
  });

  test.each([
    ['an unknown token', () => 'eyJhbGciOiJkaXIifQ..bm90LWEtdG9rZW4.bm90LWEtdG9rZW4.bm90'],
    ['an expired token', () => emulator.mintFlexToken({ ttlSeconds: -60 })],
  ])('%s: 401, one IAM call and no interaction fetched', async (_, token) => {
    const answer = await call('POST', '/interaction', { form: { Token: token(), InteractionSid: sms }, headers: flexOrigin });
    expectError(answer, 401, 'invalid_token');
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://flex.twilio.com');
    expect(emulator.requests().map((r) => r.operationId)).toEqual(['ValidateToken']);
  });

  test('a valid token and a missing interaction: 404, not an auth error', async () => {
    const token = emulator.mintFlexToken();
    expectError(
      await call('POST', '/interaction', { form: { Token: token, InteractionSid: 'KD' + 'f'.repeat(32) } }),
      404,
      'interaction_not_found',
    );
  });

  test('the runtime answers the CORS preflight itself, whatever the origin: the function never sees it', async () => {
    for (const origin of ['https://flex.twilio.com', 'https://evil.example.com']) {
      const preflight = await callRuntime('OPTIONS', '/interaction', {
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect(emulator.requests()).toEqual([]);
  });

  test('a browser on another origin: 403 origin_not_allowed before any Twilio call, even with a valid token', async () => {
    const answer = await call('POST', '/interaction', {
      json: { Token: emulator.mintFlexToken(), InteractionSid: sms },
      headers: { Origin: 'https://evil.example.com' },
    });
    expect(expectError(answer, 403, 'origin_not_allowed').message).toContain('https://evil.example.com');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('x-request-id')).toBe(answer.body.requestId);
    expect(emulator.requests()).toEqual([]); // no IAM validation, no fetch
  });

  test('no Origin (curl, a server) and a page the Service serves itself (Origin is its own host) are served', async () => {
    const ownOrigin = { Origin: functions.url }; // fetch sends Host as the URL names it
    for (const headers of [{}, ownOrigin]) {
      const answer = await call('POST', '/interaction', { json: { Token: emulator.mintFlexToken(), InteractionSid: sms }, headers });
      expectPayload(answer);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('/webhooks/interaction (TaskRouter event callbacks and other webhooks)', () => {
  test('a TaskRouter event whose task attributes name the interaction is enriched', async () => {
    const interaction = emulator.store.find('interaction', sms)!;
    const task = emulator.store.find('task', interaction.primaryTaskSid)!;
    const body = expectPayload(
      await call('POST', '/webhooks/interaction', {
        form: {
          EventType: 'task.created',
          AccountSid: emulator.accountSid,
          WorkspaceSid: task.workspaceSid,
          TaskSid: task.sid,
          TaskAttributes: task.attributes,
        },
      }),
    );
    expect(body.interaction.sid).toBe(sms);
    expect(body.writeBack).toBeUndefined();
    expect(emulator.countByOperation()).toEqual({ FetchInteraction: 1 });
  });

  test('any webhook that posts InteractionSid is enriched', async () => {
    expect(expectPayload(await call('POST', '/webhooks/interaction', { form: { InteractionSid: sms } })).interaction.sid).toBe(sms);
  });

  test('an event without an interaction is acknowledged with 200 and says it was skipped', async () => {
    const answer = await call('POST', '/webhooks/interaction', {
      form: { EventType: 'worker.activity.update', WorkerSid: 'WK' + 'a'.repeat(32) },
    });
    expect(answer.status).toBe(200);
    assertMatchesSchema('skipped', answer.body);
    expect(answer.body).toMatchObject({ skipped: true, eventType: 'worker.activity.update' });
    expect(emulator.requests()).toEqual([]);
  });

  test('task attributes that are not JSON are a 400', async () => {
    expectError(
      // Not JSON: the document says so (contentMediaType) but a schema does not check it.
      await call('POST', '/webhooks/interaction', { form: { EventType: 'task.created', TaskAttributes: '{nope' }, request: 'unchecked' }),
      400,
      'invalid_request',
    );
  });
});
