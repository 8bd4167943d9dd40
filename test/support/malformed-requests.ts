import fc from 'fast-check';
import { SID_PATTERNS } from '../../src/core/sid';
import { ENDPOINT_PATHS, type Endpoint } from '../../src/core/request-parameters';

/**
 * Malformed requests for the three endpoints: a fixed corpus and a fast-check
 * arbitrary. Every request carries at least one fault that the functions'
 * own input validation must catch (so none may reach Twilio), delivered the
 * ways a caller can get it wrong: form, JSON and query, wrong methods, wrong
 * content types, bodies the runtime cannot parse.
 */

export { ENDPOINT_PATHS, ENDPOINTS, type Endpoint } from '../../src/core/request-parameters';

export interface MalformedRequest {
  label: string;
  method: string;
  /** Path with its query string. */
  path: string;
  headers: Record<string, string>;
  /** Bytes are sent without a content type. */
  body?: string | Uint8Array<ArrayBuffer>;
  /**
   * False for requests the runtime refuses before any function runs, with its
   * own 4xx: bodies its body parser cannot read (broken JSON, an unknown
   * charset or encoding, over 6 MB) and URLs longer than Node's header limit.
   */
  reachesFunction: boolean;
}

export interface CorpusContext {
  /** A seeded, valid Interaction SID. */
  interactionSid: string;
  /** A valid Flex token (sent with some /interaction requests: validation must still come first). */
  flexToken: string;
}

type Params = Record<string, unknown>;
/** Values a form body or a query string can carry: one string, or a repeated field. */
type FormValue = string | string[];

const SID_NAMES = ['InteractionSid', 'interactionSid', 'interaction_sid', 'flexInteractionSid'];
const OTHER_SID = `KD${'a'.repeat(32)}`;
const isFormValue = (value: unknown): value is FormValue =>
  typeof value === 'string' || (Array.isArray(value) && value.length >= 2 && value.every((item) => typeof item === 'string'));

/** Strings that are not Interaction SIDs, several of them nearly one. */
function badSidStrings(sid: string): string[] {
  const hex = sid.slice(2);
  return [
    ' ',
    'KD',
    sid.slice(0, -1),
    `${sid}0`,
    `kd${hex}`,
    `KD${'g'.repeat(32)}`,
    `CH${hex}`,
    `WT${hex}`,
    `${sid}/`,
    `${sid}/Channels`,
    `../${sid}`,
    `${sid}/../../Accounts`,
    `..%2F${sid}`,
    `${sid}%2F..`,
    `${sid}?PageSize=1000`,
    `${sid}#fragment`,
    `${sid}&include=all`,
    `${sid}\n`,
    ` ${sid}`,
    `${sid} `,
    `${sid}\u0000`,
    `${sid}\u200b`,
    `ＫＤ${hex}`,
    `KD${'٠'.repeat(32)}`,
    '😀'.repeat(17),
    'null',
    'undefined',
    'true',
    '-1',
    '1e309',
    '<script>alert(1)</script>',
    "' OR '1'='1",
    '${jndi:ldap://127.0.0.1/a}',
    '%00',
    'x'.repeat(5000),
    'KD'.repeat(40_000),
  ];
}

/** One fault each: the parameters a request carries, and whether a form or query can express them. */
function faultsFor(endpoint: Endpoint, sid: string): Params[] {
  const faults: Params[] = [];
  badSidStrings(sid).forEach((value, i) => faults.push({ [SID_NAMES[i % SID_NAMES.length]!]: value }));
  faults.push({ InteractionSid: [sid, sid] }, { InteractionSid: [sid, 'x'] }, { interactionSid: ['a', 'b', 'c'] });
  faults.push({ InteractionSid: sid, interactionSid: OTHER_SID }, { interaction_sid: sid, flexInteractionSid: OTHER_SID });
  // JSON only: types a form cannot carry.
  faults.push(
    { InteractionSid: 42 },
    { InteractionSid: 1.5 },
    { InteractionSid: true },
    { InteractionSid: {} },
    { InteractionSid: { sid } },
    { InteractionSid: [] },
    { InteractionSid: [sid] },
    { InteractionSid: [[sid]] },
    { interactionSid: { toString: sid } },
  );
  for (const include of ['everything', 'channels,bogus', 'CHANNELS;task', ' , ,x', 'all,none', '🙂', 'x'.repeat(300), 'task\u0000'])
    faults.push({ InteractionSid: sid, include });
  faults.push({ InteractionSid: sid, include: ['channels', 'task'] }, { InteractionSid: sid, include: { channels: true } });

  // fresh is checked on every endpoint; a JSON boolean is a valid fresh, a number or a list is not.
  for (const fresh of ['yes', 'maybe', '2', 'true ', 'x'.repeat(20)]) faults.push({ InteractionSid: sid, fresh });
  faults.push({ InteractionSid: sid, fresh: ['true', 'false'] }, { InteractionSid: sid, fresh: 1 }, { InteractionSid: sid, fresh: {} });
  if (endpoint !== 'webhook') faults.push({}, { include: 'all' }, { InteractionSid: '' }, { InteractionSid: null }, { Include: 'task' });
  if (endpoint === 'webhook') {
    const taskSid = `WT${sid.slice(2)}`;
    const workspaceSid = `WS${sid.slice(2)}`;
    for (const value of ['WT', `WT${'0'.repeat(31)}`, sid, '../WT', 'x'.repeat(100), ' '])
      faults.push({ InteractionSid: sid, TaskSid: value }, { InteractionSid: sid, WorkspaceSid: value });
    for (const value of [
      '{',
      'not json',
      '[]',
      '"text"',
      '42',
      'null',
      '{"flexInteractionSid": 42}',
      '{"flexInteractionSid": "KD123"}',
      `{"flexInteractionSid": "${sid}/.."}`,
      `{"flexInteractionSid": ["${sid}"]}`,
      `{"flexInteractionSid": "${OTHER_SID}"}`,
      `{"flexInteractionSid": "${sid}", "pad": "${'x'.repeat(300_000)}"}`,
    ])
      faults.push({ TaskSid: taskSid, WorkspaceSid: workspaceSid, TaskAttributes: value, InteractionSid: sid });
    faults.push({ EventType: ['task.created', 'task.updated'], InteractionSid: sid }, { EventType: 'x'.repeat(200), InteractionSid: sid });
    faults.push({ TaskAttributes: [], InteractionSid: sid }, { TaskAttributes: 42 }, { EventType: {}, InteractionSid: sid });
  }
  return faults;
}

/** Faults about the Flex token itself, with a valid SID: answered 400 or 401 before IAM is asked. */
function tokenFaults(sid: string): Params[] {
  return [
    { InteractionSid: sid },
    { InteractionSid: sid, Token: '' },
    { InteractionSid: sid, Token: '   ' },
    { InteractionSid: sid, Token: ['a.b.c', 'd.e.f'] },
    { InteractionSid: sid, Token: 'x'.repeat(20_000) },
    { InteractionSid: sid, Token: {} },
    { InteractionSid: sid, Token: 12345 },
  ];
}

interface Delivery {
  name: string;
  /** Whether the delivery keeps JSON types (numbers, objects, null). */
  typed: boolean;
  build(path: string, params: Params): Omit<MalformedRequest, 'label' | 'reachesFunction'>;
}

function formBody(params: Params): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(name, typeof item === 'string' ? item : JSON.stringify(item));
  }
  return form.toString();
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const MULTIPART_BOUNDARY = 'corpus-boundary';

/** The fault in the query string, and a body in a content type the runtime does not parse (a valid SID in it must not count). */
function queryWithUnreadBody(contentType: string, body: string): Delivery {
  return {
    name: `query, with a ${contentType.split(';')[0]} body`,
    typed: false,
    build: (path, params) => ({ method: 'POST', path: `${path}?${formBody(params)}`, headers: { 'Content-Type': contentType }, body }),
  };
}

const DELIVERIES: Delivery[] = [
  { name: 'form POST', typed: false, build: (path, params) => ({ method: 'POST', path, headers: FORM, body: formBody(params) }) },
  {
    name: 'JSON POST',
    typed: true,
    build: (path, params) => ({ method: 'POST', path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) }),
  },
  { name: 'query GET', typed: false, build: (path, params) => ({ method: 'GET', path: `${path}?${formBody(params)}`, headers: {} }) },
  { name: 'form PUT', typed: false, build: (path, params) => ({ method: 'PUT', path, headers: FORM, body: formBody(params) }) },
  { name: 'form DELETE', typed: false, build: (path, params) => ({ method: 'DELETE', path, headers: FORM, body: formBody(params) }) },
  {
    name: 'JSON PATCH',
    typed: true,
    build: (path, params) => ({
      method: 'PATCH',
      path,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(params),
    }),
  },
  queryWithUnreadBody('text/plain', 'InteractionSid=KD00000000000000000000000000000000'),
  queryWithUnreadBody(
    `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
    `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="include"\r\n\r\nall\r\n--${MULTIPART_BOUNDARY}--\r\n`,
  ),
  queryWithUnreadBody('application/xml', '<InteractionSid>KD00000000000000000000000000000000</InteractionSid>'),
];

const carriesBody = (delivery: Delivery) => !delivery.name.startsWith('query');
/** Node answers 431 itself when the request line and headers pass 16 KB. */
const MAX_URL_LENGTH = 12_000;

/**
 * Adds the Flex token to every other /interaction request, in the body only
 * (as a Flex plugin sends it; a URL ends up in access logs).
 */
function withToken(endpoint: Endpoint, params: Params, delivery: Delivery, index: number, ctx: CorpusContext): Params {
  if (endpoint !== 'flex' || 'Token' in params || !carriesBody(delivery) || index % 2 === 1) return params;
  return { ...params, Token: ctx.flexToken };
}

/** Bodies the runtime refuses before any function runs, and odd bodies it passes on (with a fault in the query). */
function rawRequests(endpoint: Endpoint, ctx: CorpusContext): MalformedRequest[] {
  const path = ENDPOINT_PATHS[endpoint];
  const faultyQuery = `${path}?InteractionSid=${encodeURIComponent(`${ctx.interactionSid}/..`)}`;
  const json = { 'Content-Type': 'application/json' };
  const refused = (label: string, headers: Record<string, string>, body: string): MalformedRequest => ({
    label,
    method: 'POST',
    path,
    headers,
    body,
    reachesFunction: false,
  });
  const passed = (label: string, headers: Record<string, string>, body: string): MalformedRequest => ({
    label,
    method: 'POST',
    path: faultyQuery,
    headers,
    body,
    reachesFunction: true,
  });
  return [
    refused('truncated JSON', json, '{'),
    refused('JSON cut after a key', json, '{"InteractionSid":'),
    refused('JSON with an unquoted SID', json, `{"InteractionSid": ${ctx.interactionSid}}`),
    refused('JSON with single quotes', json, "{'InteractionSid': 'x'}"),
    refused('a JSON string', json, `"${ctx.interactionSid}"`),
    refused('a JSON number', json, '42'),
    refused('JSON null', json, 'null'),
    refused('a NUL byte as JSON', json, '\u0000'),
    refused('JSON in a charset the runtime does not read', { 'Content-Type': 'application/json; charset=utf-16' }, '{}'),
    refused('a gzip header on a plain body', { ...json, 'Content-Encoding': 'gzip' }, '{}'),
    refused('an unknown content encoding', { ...json, 'Content-Encoding': 'br, zstd' }, '{}'),
    refused('a JSON body over 6 MB', json, JSON.stringify({ InteractionSid: ctx.interactionSid, pad: 'x'.repeat(6_500_000) })),
    refused('a form body over 6 MB', FORM, `InteractionSid=${ctx.interactionSid}&pad=${'x'.repeat(6_500_000)}`),
    passed('a JSON array', json, `["${ctx.interactionSid}"]`),
    passed('JSON nested 5,000 deep', json, `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`),
    passed('a JSON __proto__ key', json, `{"__proto__": {"InteractionSid": "${ctx.interactionSid}"}, "constructor": {"prototype": {}}}`),
    passed('a JSON body that replaces the request headers', json, '{"request": {"headers": {"x-request-id": ["<script>"]}}}'),
    passed('a form body with a broken percent escape', FORM, 'InteractionSid=%E0%A4%A&include=%'),
    passed('a form body with bare keys', FORM, 'include&fresh'),
    passed('a form body of separators', FORM, '&&&===&'),
  ].concat({
    label: 'a body with no content type',
    method: 'POST',
    path: faultyQuery,
    headers: {},
    body: new TextEncoder().encode(`InteractionSid=${ctx.interactionSid}`),
    reachesFunction: true,
  });
}

function delivered(label: string, delivery: Delivery, path: string, params: Params): MalformedRequest {
  const request = delivery.build(path, params);
  return { label, ...request, reachesFunction: request.path.length <= MAX_URL_LENGTH };
}

/** The fixed corpus for one endpoint: every fault in every delivery that can carry it, then the raw bodies. */
export function fixedCorpus(endpoint: Endpoint, ctx: CorpusContext): MalformedRequest[] {
  const path = ENDPOINT_PATHS[endpoint];
  const requests: MalformedRequest[] = [];
  faultsFor(endpoint, ctx.interactionSid).forEach((fault, i) => {
    for (const delivery of DELIVERIES) {
      if (!delivery.typed && !Object.values(fault).every(isFormValue)) continue;
      requests.push(
        delivered(
          `${JSON.stringify(fault).slice(0, 100)} as ${delivery.name}`,
          delivery,
          path,
          withToken(endpoint, fault, delivery, i, ctx),
        ),
      );
    }
  });
  if (endpoint === 'flex')
    for (const fault of tokenFaults(ctx.interactionSid))
      for (const delivery of DELIVERIES.filter((d) => carriesBody(d) && (d.typed || Object.values(fault).every(isFormValue))))
        requests.push(delivered(`${JSON.stringify(fault).slice(0, 100)} as ${delivery.name}`, delivery, path, fault));
  return [...requests, ...rawRequests(endpoint, ctx)];
}

// Generated requests: random parameters around one generated fault.

const notBlank = (s: string) => s !== '';
const notAn = (kind: keyof typeof SID_PATTERNS) => (s: string) => notBlank(s) && !SID_PATTERNS[kind].test(s);

/** A string that is not an Interaction SID: random text, or a valid SID with one edit. */
function badSidArbitrary(sid: string): fc.Arbitrary<string> {
  const edited = fc
    .tuple(fc.nat({ max: sid.length }), fc.nat({ max: 2 }), fc.string({ minLength: 1, maxLength: 3, unit: 'binary' }))
    .map(([at, edit, text]) => (edit === 0 ? sid.slice(0, at) : sid.slice(0, at) + text + sid.slice(at + (edit === 1 ? 1 : 0))));
  const extended = fc.string({ minLength: 1, maxLength: 4, unit: 'binary' }).map((suffix) => sid + suffix);
  return fc.oneof(fc.constantFrom(...badSidStrings(sid)), fc.string({ unit: 'binary' }), edited, extended).filter(notAn('interaction'));
}

function badIncludeArbitrary(): fc.Arbitrary<string> {
  const allowed = ['channels', 'participants', 'conversation', 'task', 'all'];
  const bogus = fc
    .string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
    .filter((s) => !s.includes(',') && s.trim() !== '' && !allowed.includes(s.trim().toLowerCase()));
  return fc
    .tuple(fc.subarray(allowed), bogus, fc.nat())
    .map(([good, bad, at]) => [...good.slice(0, at % (good.length + 1)), bad, ...good.slice(at % (good.length + 1))].join(','));
}

function faultArbitrary(endpoint: Endpoint, sid: string, typed: boolean): fc.Arbitrary<Params> {
  const sidName = fc.constantFrom(...SID_NAMES);
  const sidFaults: Array<fc.Arbitrary<Params>> = [
    fc.tuple(sidName, badSidArbitrary(sid)).map(([name, value]) => ({ [name]: value })),
    fc.tuple(sidName, fc.array(fc.string(), { minLength: 2, maxLength: 4 })).map(([name, value]) => ({ [name]: value })),
    badIncludeArbitrary().map((include) => ({ InteractionSid: sid, include })),
  ];
  if (typed)
    sidFaults.push(
      fc
        .tuple(
          sidName,
          fc.jsonValue().filter((v) => typeof v !== 'string' && v !== null),
        )
        .map(([name, value]) => ({ [name]: value })),
    );
  sidFaults.push(
    fc
      .string({ maxLength: 12 })
      .map((fresh) => ({ InteractionSid: sid, fresh }))
      .filter((p) => !['', 'true', 'false', '1', '0'].includes((p.fresh as string).toLowerCase())),
  );
  if (endpoint !== 'webhook') sidFaults.push(fc.constant({}));
  if (endpoint === 'webhook') {
    const notJson = fc.string().filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return notBlank(s);
      }
    });
    const notAnObject = fc
      .jsonValue()
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
      .map((v) => JSON.stringify(v));
    const badSidInside = fc
      .oneof(
        badSidArbitrary(sid) as fc.Arbitrary<unknown>,
        fc.jsonValue().filter((v) => typeof v !== 'string' && v !== null),
      )
      .map((flexInteractionSid) => JSON.stringify({ flexInteractionSid }));
    sidFaults.push(
      fc.oneof(notJson, notAnObject, badSidInside).map((TaskAttributes) => ({ TaskAttributes })),
      fc
        .string()
        .filter(notAn('task'))
        .map((TaskSid) => ({ TaskSid, InteractionSid: sid })),
      fc
        .string()
        .filter(notAn('workspace'))
        .map((WorkspaceSid) => ({ WorkspaceSid, InteractionSid: sid })),
    );
  }
  return fc.oneof(...sidFaults);
}

/** Noise around the fault: known and unknown names with any values; never the Token, whose faults cost an IAM call. */
function noiseArbitrary(typed: boolean): fc.Arbitrary<Params> {
  const name = fc.oneof(
    fc.constantFrom('EventType', 'TaskSid', 'request', '__proto__', 'constructor', 'toString', 'include', 'fresh', 'Include'),
    fc.string({ minLength: 1, maxLength: 16 }),
  );
  const formValue = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fc.string(), { minLength: 2, maxLength: 3 }));
  const value = typed ? fc.oneof(formValue, fc.jsonValue({ maxDepth: 3 })) : formValue;
  return fc.dictionary(
    name.filter((n) => n !== 'Token'),
    value,
    { maxKeys: 5 },
  );
}

/** Random parameters, one generated fault, in a random delivery. */
export function generatedRequest(endpoint: Endpoint, ctx: CorpusContext): fc.Arbitrary<MalformedRequest> {
  return fc.tuple(fc.nat({ max: DELIVERIES.length - 1 }), fc.nat()).chain(([d, index]) => {
    const delivery = DELIVERIES[d]!;
    return fc.tuple(noiseArbitrary(delivery.typed), faultArbitrary(endpoint, ctx.interactionSid, delivery.typed)).map(([noise, fault]) => {
      // The fault is applied last, so noise cannot mask it.
      const params = withToken(endpoint, { ...noise, ...fault }, delivery, index, ctx);
      const label = `${JSON.stringify(fault).slice(0, 100)} with ${Object.keys(noise).length} other fields as ${delivery.name}`;
      return delivered(label, delivery, ENDPOINT_PATHS[endpoint], params);
    });
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** The JSON body, when there is one. */
  json: any;
}

export async function send(baseUrl: string, request: MalformedRequest): Promise<Reply> {
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, contentType: response.headers.get('content-type') ?? '', text, json };
}
