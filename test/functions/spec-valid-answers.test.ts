import fc from 'fast-check';
import twilio from 'twilio';
import { resetWarmContainer } from '../../src/core/warm-container';
import { recordFigure } from '../support/figures';
import { type Answer } from '../../harness';
import { invokeEndpoint } from '../support/endpoints';
import { assertMatchesSchema } from '../support/schema';
import { validateAgainstSpec } from '../support/twilio-oai';
import { specAnswers, type Hints, type SpecAnswers } from './twilio-oai-answers';

/**
 * Whatever Twilio answers within its own OpenAPI description (twilio-oai),
 * every endpoint answers 200 with a payload valid against the published
 * schema. For each operation the functions call, fast-check generates its
 * 200 bodies from the spec, the helper's RequestClient answers them as
 * Twilio would, and the real handlers run: the helper parses them, then the
 * gateway, the enrichment, the write-back, Studio's fit and the answer.
 * The other operations answer a fixed, spec-valid account. Every Twilio
 * answer here is a 200, so no error answer would be an honest upstream error:
 * anything but a 200 fails.
 *
 * Twilio IAM's token validation, which /interaction calls first, is not in
 * twilio-oai; it answers a valid token here.
 */

const RUNS = 500;

const OPERATIONS = [
  'FetchInteraction',
  'ListInteractionChannel',
  'ListInteractionChannelParticipant',
  'ListInteractionChannelInvite',
  'FetchInteractionTransfer',
  'FetchConversation',
  'ListConversationParticipant',
  'FetchTask',
  'UpdateTask',
] as const;
type OperationId = (typeof OPERATIONS)[number];
type Endpoint = 'studio' | 'flex' | 'webhook';

const SID = {
  account: 'AC' + 'a0'.repeat(16),
  interaction: 'KD' + '0b991f2d3727d40d5cc59aeb35491eb4',
  channel: 'UO' + 'd277c5992590b65ed8642081b94ddb83',
  channelParticipant: 'UT' + '5942e3b724ccc6f4a6c50a488b91e1b5',
  conversation: 'CH' + '5301d2eed9f443f7eb06f7a90b06f08d',
  conversationParticipant: 'MB' + '8fb05ff63e6c7b6207ca8a136ebe5ff7',
  task: 'WT' + '2e01ccf566d006d171e2b0ab87cb95c5',
  workspace: 'WS' + '51ac231ada0c21d42d9eb056ae58c8a0',
  worker: 'WK' + 'ba580ac23299728291ece72a28bb43be',
  invite: 'KG' + '03e3ecaefc94db16904ec1fedcebcb79',
  transfer: 'UX' + '5c3bd1b1ad2e3a9e1a4d0f6b7a8c9d0e',
};

const INTERACTION_URL = `https://flex-api.twilio.com/v1/Interactions/${SID.interaction}`;
const CHANNEL_URL = `${INTERACTION_URL}/Channels/${SID.channel}`;
const CONVERSATION_URL = `https://conversations.twilio.com/v1/Conversations/${SID.conversation}`;
const TASK_URL = `https://taskrouter.twilio.com/v1/Workspaces/${SID.workspace}/Tasks/${SID.task}`;
const CREATED = '2026-11-25T09:34:58Z';

const page = (key: string, url: string, items: object[]) => ({
  [key]: items,
  meta: { key, page: 0, page_size: 50, first_page_url: `${url}?PageSize=50&Page=0`, previous_page_url: null, next_page_url: null, url },
});

const taskAttributes = JSON.stringify({
  flexInteractionSid: SID.interaction,
  conversationSid: SID.conversation,
  customerName: 'Priya Raman',
  customerAddress: '+14155550134',
  direction: 'inbound',
});

const task = {
  account_sid: SID.account,
  sid: SID.task,
  workspace_sid: SID.workspace,
  assignment_status: 'assigned',
  attributes: taskAttributes,
  age: 426,
  priority: 10,
  timeout: 86400,
  reason: null,
  task_queue_friendly_name: 'Billing Support',
  workflow_friendly_name: 'Assign to Anyone',
  task_channel_unique_name: 'sms',
  date_created: CREATED,
  date_updated: CREATED,
  url: TASK_URL,
  links: { task_queue: 'https://taskrouter.twilio.com/v1/Workspaces/WS51ac231ada0c21d42d9eb056ae58c8a0/TaskQueues' },
};

/** What the account answers to the operations a property does not generate: an inbound SMS, everything in place. */
const ACCOUNT: Record<OperationId, object> = {
  FetchInteraction: {
    sid: SID.interaction,
    channel: { type: 'sms', sid: SID.channel },
    routing: {
      reservation: null,
      properties: {
        sid: SID.task,
        workspace_sid: SID.workspace,
        queue_name: 'Billing Support',
        date_created: 1795599298,
        attributes: taskAttributes,
      },
    },
    url: INTERACTION_URL,
    links: { channels: `${INTERACTION_URL}/Channels` },
    interaction_context_sid: null,
    webhook_ttid: 'flex_interactionwebhook_0b991f2d3727d40d5cc59aeb35',
  },
  ListInteractionChannel: page('channels', `${INTERACTION_URL}/Channels`, [
    {
      sid: SID.channel,
      interaction_sid: SID.interaction,
      type: 'sms',
      status: 'active',
      error_code: null,
      error_message: null,
      url: CHANNEL_URL,
    },
  ]),
  ListInteractionChannelParticipant: page('participants', `${CHANNEL_URL}/Participants`, [
    {
      sid: SID.channelParticipant,
      type: 'agent',
      interaction_sid: SID.interaction,
      channel_sid: SID.channel,
      routing_properties: { workspace_sid: SID.workspace, task_sid: SID.task, worker_sid: SID.worker },
    },
  ]),
  ListInteractionChannelInvite: page('invites', `${CHANNEL_URL}/Invites`, [
    {
      sid: SID.invite,
      interaction_sid: SID.interaction,
      channel_sid: SID.channel,
      routing: { properties: { sid: SID.task, queue_sid: 'WQ' + '6fc1d9e198fbb7ec4b90cc16192615b0', queue_name: 'Billing Support' } },
      url: `${CHANNEL_URL}/Invites/${SID.invite}`,
    },
  ]),
  FetchInteractionTransfer: {
    sid: SID.transfer,
    account_sid: SID.account,
    instance_sid: 'GO' + '1'.repeat(32),
    interaction_sid: SID.interaction,
    channel_sid: SID.channel,
    execution_sid: 'QW' + '2'.repeat(32),
    type: 'warm',
    status: 'active',
    from: SID.channelParticipant,
    to: SID.worker,
    note_sid: null,
    summary_sid: null,
    url: `${CHANNEL_URL}/Transfers/${SID.transfer}`,
    date_created: CREATED,
    date_updated: CREATED,
  },
  FetchConversation: {
    account_sid: SID.account,
    sid: SID.conversation,
    friendly_name: 'sms with Priya Raman',
    unique_name: null,
    attributes: '{}',
    state: 'active',
    date_created: CREATED,
    date_updated: CREATED,
    url: CONVERSATION_URL,
  },
  ListConversationParticipant: page('participants', `${CONVERSATION_URL}/Participants`, [
    {
      account_sid: SID.account,
      conversation_sid: SID.conversation,
      sid: SID.conversationParticipant,
      identity: null,
      attributes: '{"name":"Priya Raman"}',
      messaging_binding: { type: 'sms', address: '+14155550134', proxy_address: '+14155550100' },
      date_created: CREATED,
    },
  ]),
  FetchTask: task,
  UpdateTask: task,
};

/** Values the spec allows where plain generation would rarely make them: Flex routing, JSON attributes, list keys. */
const anyJson = fc.jsonValue({ maxDepth: 1 });
const or = <T>(typed: fc.Arbitrary<T>) => fc.oneof(typed, anyJson);
const sidOf = (prefix: string) => fc.stringMatching(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`));
const someOf = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields, { requiredKeys: [] });
/** Epoch seconds as Interactions give them, and numbers and digit strings far out of a date's range. */
const seconds = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800 }),
  fc.integer({ min: -1e13, max: 1e13 }),
  fc.double(),
  fc.bigInt({ min: 0n, max: 10n ** 16n }).map(String),
);
const flexAttributes = someOf({
  flexInteractionSid: or(fc.constant(SID.interaction)),
  conversationSid: or(sidOf('CH')),
  conversations: or(
    someOf({
      media: or(fc.array(someOf({ sid: or(sidOf('CH')), type: or(fc.constant('ChatTranscript')) }), { maxLength: 2 })),
      direction: or(fc.constantFrom('Inbound', 'Outbound', 'inbound')),
      initiated_by: or(fc.constantFrom('Customer', 'Agent', 'API')),
    }),
  ),
  customerName: or(fc.string()),
  customerAddress: or(fc.string()),
  from: or(fc.string()),
  customers: or(someOf({ name: or(fc.string()), phone: or(fc.string()), email: or(fc.string()) })),
  direction: or(fc.constantFrom('inbound', 'outbound', 'INBOUND')),
  initiatedBy: or(fc.string()),
  channelType: or(fc.constantFrom('sms', 'whatsapp', 'voice')),
});
const attributesText = fc.oneof(
  flexAttributes.map((attributes) => JSON.stringify(attributes)),
  fc.json({ maxDepth: 2 }),
  fc.string(),
);
const flexRouting = someOf({
  reservation: or(someOf({ sid: or(sidOf('WR')), reservation_status: or(fc.string()), worker_sid: or(sidOf('WK')) })),
  properties: or(
    someOf({
      sid: or(sidOf('WT')),
      workspace_sid: or(sidOf('WS')),
      workflow_sid: or(sidOf('WW')),
      workflow_name: or(fc.string()),
      queue_sid: or(sidOf('WQ')),
      queue_name: or(fc.string()),
      task_queue_sid: or(sidOf('WQ')),
      task_queue_friendly_name: or(fc.string()),
      task_channel_sid: or(sidOf('TC')),
      task_channel_unique_name: or(fc.string()),
      assignment_status: or(fc.constantFrom('pending', 'assigned', 'wrapping')),
      priority: or(fc.integer()),
      age: or(fc.integer()),
      age_in_queue: or(fc.integer()),
      timeout: or(fc.integer()),
      routing_target: or(sidOf('WK')),
      reason: or(fc.string()),
      date_created: or(seconds),
      date_updated: or(seconds),
      task_queue_entered_date: or(seconds),
      attributes: or(attributesText),
    }),
  ),
});
const messagingBinding = someOf({
  type: or(fc.constantFrom('sms', 'whatsapp', 'email')),
  address: or(fc.string()),
  proxy_address: or(fc.string()),
});

const HINTS: Record<OperationId, Hints> = {
  FetchInteraction: { routing: flexRouting, channel: someOf({ type: or(fc.constantFrom('sms', 'web')), sid: or(sidOf('UO')) }) },
  ListInteractionChannel: { 'meta.key': fc.constant('channels') },
  ListInteractionChannelParticipant: {
    'meta.key': fc.constant('participants'),
    'participants[].routing_properties': someOf({ worker_sid: or(sidOf('WK')) }),
  },
  ListInteractionChannelInvite: { 'meta.key': fc.constant('invites'), 'invites[].routing': flexRouting },
  FetchInteractionTransfer: {},
  FetchConversation: { attributes: fc.json({ maxDepth: 2 }) },
  ListConversationParticipant: {
    'meta.key': fc.constant('participants'),
    'participants[].attributes': fc.json({ maxDepth: 2 }),
    'participants[].messaging_binding': messagingBinding,
  },
  FetchTask: { attributes: attributesText },
  UpdateTask: { attributes: attributesText },
};

const spec = Object.fromEntries(OPERATIONS.map((id) => [id, specAnswers(id, HINTS[id])])) as Record<OperationId, SpecAnswers>;

/**
 * Answers that broke an endpoint, most as fast-check shrank them, run first on
 * every run. Each is valid against twilio-oai (the property checks).
 */
const REGRESSIONS: Record<OperationId, Array<[Record<string, unknown>, Endpoint]>> = {
  FetchInteraction: [
    // links values are untyped: the payload's string-valued links broke.
    [{ sid: SID.interaction, links: { channels: 0 } }, 'flex'],
    // No sid: the payload's interaction.sid was missing.
    [{}, 'studio'],
    // routing and channel are untyped: the payload's object|null broke.
    [{ sid: SID.interaction, routing: [] }, 'studio'],
    [{ sid: SID.interaction, channel: 'sms' }, 'webhook'],
    // A task or channel SID not of the SID's form broke the schema's patterns.
    [{ sid: SID.interaction, routing: { properties: { sid: ' ' } } }, 'studio'],
    [{ sid: SID.interaction, channel: { sid: 'UO' } }, 'studio'],
    // Epoch seconds past year 9999: toISOString wrote +033658-....
    [{ sid: SID.interaction, routing: { properties: { date_created: 1e12 } } }, 'studio'],
    // A link name longer than Studio takes: the answer went past STUDIO_MAX_RESPONSE_BYTES.
    [{ sid: SID.interaction, links: { ['channels'.repeat(8_000)]: `${INTERACTION_URL}/Channels` } }, 'studio'],
  ],
  ListInteractionChannel: [
    [{ channels: [{}] }, 'studio'],
    // No records: the warning said Twilio could not be reached.
    [{}, 'flex'],
  ],
  ListInteractionChannelParticipant: [
    [{ participants: [{}] }, 'studio'],
    [{}, 'webhook'],
  ],
  ListInteractionChannelInvite: [
    [{ invites: [{}] }, 'studio'],
    [{}, 'flex'],
  ],
  FetchInteractionTransfer: [[{}, 'webhook']],
  FetchConversation: [
    [{}, 'studio'],
    // Year 0000 at +21:00 is year -1 in UTC: toISOString wrote -000001-....
    [{ date_updated: '0000-01-01T20:59:59+21:00' }, 'flex'],
  ],
  ListConversationParticipant: [
    [{ participants: [{}] }, 'studio'],
    [{ participants: [{ date_created: '0000-01-01T04:47:59+04:48' }] }, 'webhook'],
    [{}, 'flex'],
  ],
  FetchTask: [
    [{}, 'studio'],
    [{ date_updated: '9999-12-31T12:12:00-11:48' }, 'flex'],
  ],
  UpdateTask: [],
};

const STUDIO_MAX_BYTES = 60_000;
const ENV = {
  ACCOUNT_SID: SID.account,
  AUTH_TOKEN: 'spec-answers-auth-token-00000000',
  CACHE_TTL_MS: '0',
  LOG_LEVEL: 'silent',
  WEBHOOK_WRITE_BACK: 'true',
  STUDIO_MAX_RESPONSE_BYTES: String(STUDIO_MAX_BYTES),
};
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const FLEX_TOKEN = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub: 'flex' })}.c2lnbmF0dXJl`;
const IAM_VALIDATE = /^https:\/\/iam\.twilio\.com\/v1\/Accounts\/AC[0-9a-f]{32}\/Tokens\/validate$/;
const iamVerdict = () => ({
  valid: true,
  code: 0,
  message: null,
  expiration: new Date(Date.now() + 3_600_000).toISOString(),
  realm_user_id: 'US' + '1'.repeat(32),
  identity: 'amara.okafor@harbourbank.example',
  worker_sid: SID.worker,
  roles: ['agent'],
});

/** Twilio, as the helper's RequestClient sees it: this run's answers by operation, and the count of each served. */
const twilioSays = {
  answers: ACCOUNT as Record<OperationId, object>,
  served: Object.fromEntries(OPERATIONS.map((id) => [id, 0])) as Record<OperationId, number>,
  /** A page that names a next one gets it: the same page with its lists empty and no next one, as past the end of a list. */
  nextPages: new Map<string, object>(),
  unexpected: [] as string[],
};

/**
 * Twilio names its own host in next_page_url; the spec allows any URI, and the project refuses any host but Twilio's
 * (test/reliability/foreign-next-page.test.ts). Here the next page is put on a Twilio host, so that it is followed.
 */
function nextPageOnTwilio(body: object): object {
  const meta = (body as { meta?: Record<string, unknown> }).meta;
  if (typeof meta?.next_page_url !== 'string') return body;
  const url = new URL(meta.next_page_url);
  const onTwilio = new URL(`/${url.pathname.replace(/^\/+/, '')}${url.search}`, 'https://flex-api.twilio.com');
  return { ...body, meta: { ...meta, next_page_url: onTwilio.href } };
}

/** The helper may rewrite a next page URL's host (regions and edges); its path and query stay. */
const pathOf = (uri: string) => {
  const url = new URL(uri);
  return url.pathname + url.search;
};

function answer(options: { method: string; uri: string }) {
  const respond = (body: unknown, headers: Record<string, string> = {}) => ({
    statusCode: 200,
    body: JSON.parse(JSON.stringify(body)) as unknown,
    headers: { 'content-type': 'application/json', ...headers },
  });
  if (IAM_VALIDATE.test(options.uri)) return respond(iamVerdict());
  const nextPage = twilioSays.nextPages.get(pathOf(options.uri));
  if (nextPage) return respond(nextPage);
  const id = OPERATIONS.find((op) => spec[op].method === options.method.toLowerCase() && spec[op].url.test(options.uri));
  if (!id) {
    twilioSays.unexpected.push(`${options.method} ${options.uri}`);
    return { statusCode: 404, body: { code: 20404, message: 'Not found', more_info: '', status: 404 }, headers: {} };
  }
  twilioSays.served[id] += 1;
  const body = twilioSays.answers[id] as Record<string, unknown> & { meta?: Record<string, unknown> };
  const next = body.meta?.next_page_url;
  if (typeof next === 'string') {
    const emptied = Object.entries(body).map(([key, value]) => [key, Array.isArray(value) ? [] : value]);
    twilioSays.nextPages.set(pathOf(next), { ...Object.fromEntries(emptied), meta: { ...body.meta, next_page_url: null } });
  }
  return respond(body, id === 'FetchTask' ? { etag: '"7"' } : {});
}

beforeAll(() => {
  resetWarmContainer();
  jest.spyOn(twilio.RequestClient.prototype, 'request').mockImplementation(async (options) => answer(options) as never);
});
afterAll(() => {
  jest.restoreAllMocks();
  resetWarmContainer();
});

function call(endpoint: Endpoint, include: string): Promise<Answer> {
  const sid = { InteractionSid: SID.interaction, include, TransferSid: SID.transfer };
  switch (endpoint) {
    case 'studio':
      return invokeEndpoint('studio', ENV, sid);
    case 'flex':
      return invokeEndpoint('flex', ENV, { ...sid, Token: FLEX_TOKEN });
    case 'webhook':
      return invokeEndpoint('webhook', ENV, {
        EventType: 'task.updated',
        TaskSid: SID.task,
        WorkspaceSid: SID.workspace,
        TaskAttributes: JSON.stringify({ flexInteractionSid: SID.interaction }),
        include,
        TransferSid: SID.transfer,
      });
  }
}

const ALL: Endpoint[] = ['studio', 'flex', 'webhook'];
const CASES: Array<{ operationId: OperationId; include: string; endpoints: Endpoint[] }> = [
  { operationId: 'FetchInteraction', include: 'all', endpoints: ALL },
  { operationId: 'ListInteractionChannel', include: 'participants', endpoints: ALL },
  { operationId: 'ListInteractionChannelParticipant', include: 'participants', endpoints: ALL },
  { operationId: 'ListInteractionChannelInvite', include: 'invites', endpoints: ALL },
  // Every call names the transfer (TransferSid).
  { operationId: 'FetchInteractionTransfer', include: '', endpoints: ALL },
  { operationId: 'FetchConversation', include: 'conversation', endpoints: ALL },
  { operationId: 'ListConversationParticipant', include: 'conversation', endpoints: ALL },
  // The webhook reads the task again to write back (WEBHOOK_WRITE_BACK=true), then updates it.
  { operationId: 'FetchTask', include: 'task', endpoints: ALL },
  { operationId: 'UpdateTask', include: '', endpoints: ['webhook'] },
];

/** What a body holds at a field path (`channels[].sid`): absent, null or set, once for each object that could hold it. */
function kindsAt(value: unknown, path: string): string[] {
  const [head, ...rest] = path.split('.');
  const list = head!.endsWith('[]');
  const key = list ? head!.slice(0, -2) : head!;
  if (typeof value !== 'object' || value === null) return [];
  if (!(key in value)) return ['absent'];
  const field = (value as Record<string, unknown>)[key];
  if (field === null) return ['null'];
  if (rest.length === 0) return ['set'];
  const holders = list ? (field as unknown[]) : [field];
  return holders.flatMap((holder) => kindsAt(holder, rest.join('.')));
}

test('generated answers leave every field out, null (where the spec allows it) and set, and twilio-oai accepts them', () => {
  for (const id of OPERATIONS) {
    const bodies = fc.sample(spec[id].body, { numRuns: 300, seed: 42 });
    for (const body of bodies) expect({ id, errors: validateAgainstSpec(id, 200, body) }).toEqual({ id, errors: [] });
    for (const [field, { nullable }] of spec[id].fields) {
      if (field.endsWith('[]')) continue;
      const seen = new Set(bodies.flatMap((body) => kindsAt(body, field)));
      expect({ id, field, seen: [...seen].sort() }).toEqual({ id, field, seen: nullable ? ['absent', 'null', 'set'] : ['absent', 'set'] });
    }
  }
});

test('the fixed account answers as twilio-oai describes', () => {
  for (const id of OPERATIONS) expect({ id, errors: validateAgainstSpec(id, 200, ACCOUNT[id]) }).toEqual({ id, errors: [] });
});

test.each(CASES)(
  'every spec-valid $operationId answer gives 200 and a payload the schema accepts',
  async ({ operationId, include, endpoints }) => {
    const servedBefore = twilioSays.served[operationId];
    await fc.assert(
      fc.asyncProperty(spec[operationId].body, fc.constantFrom(...endpoints), async (body, endpoint) => {
        expect(validateAgainstSpec(operationId, 200, body)).toEqual([]);
        twilioSays.answers = { ...ACCOUNT, [operationId]: nextPageOnTwilio(body) };
        twilioSays.nextPages.clear();
        twilioSays.unexpected = [];
        const answer = await call(endpoint, include);
        expect(twilioSays.unexpected).toEqual([]);
        expect({ status: answer.status, error: answer.body?.error }).toEqual({ status: 200, error: undefined });
        assertMatchesSchema('payload', answer.body);
        if (endpoint === 'studio') expect(Buffer.byteLength(JSON.stringify(answer.body))).toBeLessThanOrEqual(STUDIO_MAX_BYTES);
        // Twilio answered every request: a part it answered but the helper could not read must not be blamed on the network.
        expect(answer.body.meta.warnings.filter((w: { message: string }) => w.message.includes('could not be reached'))).toEqual([]);
      }),
      { numRuns: RUNS, examples: REGRESSIONS[operationId] },
    );
    const served = recordFigure(`spec-valid ${operationId} answers served`, twilioSays.served[operationId] - servedBefore);
    expect(served).toBeGreaterThanOrEqual(RUNS);
  },
);
