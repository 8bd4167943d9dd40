import { EnrichmentError } from '../../src/core/errors';
import fc from 'fast-check';
import {
  leastEncodedBytes,
  readEnrichmentRequest,
  readFlexToken,
  readRequestHeaders,
  readWebhookEvent,
} from '../../src/core/request-input';

const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';
const OTHER = 'KD40ef7a98525f5fc1d8d0d3205c13745e';

function refusal(read: () => unknown): { code: string; parameter?: string; message: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof EnrichmentError) return { code: error.code, message: error.message, ...error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the Interaction SID', () => {
  test.each(['InteractionSid', 'interactionSid', 'interaction_sid', 'flexInteractionSid'])('is read from %s', (name) => {
    expect(readEnrichmentRequest({ [name]: SID })).toEqual({ interactionSid: SID, include: [], fresh: false });
  });

  test('the same SID under two names is fine; two different SIDs are a conflict', () => {
    expect(readEnrichmentRequest({ InteractionSid: SID, interactionSid: SID }).interactionSid).toBe(SID);
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: SID, interaction_sid: OTHER }))).toMatchObject({
      code: 'conflicting_parameters',
      parameter: 'interaction_sid',
    });
  });

  test('missing: 400 that says where to put it', () => {
    expect(refusal(() => readEnrichmentRequest({}))).toMatchObject({ code: 'missing_interaction_sid', parameter: 'InteractionSid' });
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: '' })).code).toBe('missing_interaction_sid');
  });

  test('malformed, an array or an object: 400 naming the parameter', () => {
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: 'KD123' }))).toMatchObject({
      code: 'invalid_interaction_sid',
      parameter: 'InteractionSid',
    });
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: [SID, SID] }))).toMatchObject({
      code: 'invalid_request',
      parameter: 'InteractionSid',
    });
    expect(refusal(() => readEnrichmentRequest({ interactionSid: { $ne: null } }))).toMatchObject({
      code: 'invalid_request',
      parameter: 'interactionSid',
    });
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: 'x'.repeat(5000) })).code).toBe('invalid_request');
  });
});

describe('include', () => {
  test('is a comma list, in any case and order, canonicalised', () => {
    expect(readEnrichmentRequest({ InteractionSid: SID, include: ' Task, channels ' }).include).toEqual(['channels', 'task']);
    expect(readEnrichmentRequest({ InteractionSid: SID, include: 'participants' }).include).toEqual(['channels', 'participants']);
    expect(readEnrichmentRequest({ InteractionSid: SID, include: 'invites' }).include).toEqual(['channels', 'invites']);
    expect(readEnrichmentRequest({ InteractionSid: SID, include: 'all' }).include).toEqual([
      'channels',
      'participants',
      'invites',
      'conversation',
      'task',
    ]);
    expect(readEnrichmentRequest({ InteractionSid: SID, include: '' }).include).toEqual([]);
  });
  test('an unknown part is a 400 that lists the known ones', () => {
    const refused = refusal(() => readEnrichmentRequest({ InteractionSid: SID, include: 'channels,recordings' }));
    expect(refused).toMatchObject({ code: 'invalid_include', parameter: 'include' });
    expect(refused.message).toContain('"recordings"');
    expect(refused.message).toContain('channels, participants, invites, conversation, task');
  });

  test('include and Include must agree: neither spelling quietly wins', () => {
    expect(readEnrichmentRequest({ InteractionSid: SID, include: 'task', Include: 'TASK' }).include).toEqual(['task']);
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: SID, include: 'task', Include: 'bogus' }))).toMatchObject({
      code: 'invalid_include',
      parameter: 'Include',
    });
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: SID, include: 'task', Include: 'channels' }))).toMatchObject({
      code: 'conflicting_parameters',
      parameter: 'Include',
    });
  });
});

describe('TransferSid', () => {
  const UX = 'UX' + 'a'.repeat(32);

  test('a transfer SID is read under either spelling, on the request and the webhook event', () => {
    expect(readEnrichmentRequest({ InteractionSid: SID, TransferSid: UX }).transferSid).toBe(UX);
    expect(readEnrichmentRequest({ InteractionSid: SID, transferSid: UX }).transferSid).toBe(UX);
    expect(readEnrichmentRequest({ InteractionSid: SID })).not.toHaveProperty('transferSid');
    expect(readWebhookEvent({ InteractionSid: SID, TransferSid: UX }).transferSid).toBe(UX);
  });

  test('anything but a UX SID is a 400 naming the parameter; two spellings that disagree are a conflict', () => {
    for (const bad of ['UX123', 'KD' + 'a'.repeat(32), ['a', 'b']]) {
      expect(refusal(() => readEnrichmentRequest({ InteractionSid: SID, TransferSid: bad }))).toMatchObject({
        code: 'invalid_request',
        parameter: 'TransferSid',
      });
    }
    expect(
      refusal(() => readEnrichmentRequest({ InteractionSid: SID, TransferSid: UX, transferSid: 'UX' + 'b'.repeat(32) })),
    ).toMatchObject({ code: 'conflicting_parameters', parameter: 'transferSid' });
  });
});

test('fresh is true or false', () => {
  expect(readEnrichmentRequest({ InteractionSid: SID, fresh: 'true' }).fresh).toBe(true);
  expect(readEnrichmentRequest({ InteractionSid: SID, fresh: '0' }).fresh).toBe(false);
  expect(refusal(() => readEnrichmentRequest({ InteractionSid: SID, fresh: 'yes' })).parameter).toBe('fresh');
  // A JSON body carries a boolean.
  expect(readEnrichmentRequest({ InteractionSid: SID, fresh: true }).fresh).toBe(true);
  expect(readEnrichmentRequest({ InteractionSid: SID, fresh: false }).fresh).toBe(false);
});

describe('webhook events', () => {
  const taskRouterEvent = {
    EventType: 'task.created',
    TaskSid: 'WT2e01ccf566d006d171e2b0ab87cb95c5',
    WorkspaceSid: 'WS51ac231ada0c21d42d9eb056ae58c8a0',
    TaskAttributes: JSON.stringify({ flexInteractionSid: SID, channelType: 'sms' }),
  };

  test('a TaskRouter callback gives the SID inside TaskAttributes', () => {
    expect(readWebhookEvent(taskRouterEvent)).toEqual({
      interactionSid: SID,
      eventType: 'task.created',
      taskSid: taskRouterEvent.TaskSid,
      workspaceSid: taskRouterEvent.WorkspaceSid,
      include: [],
      fresh: false,
    });
  });

  test('fresh is read and checked as on the other endpoints', () => {
    expect(readWebhookEvent({ ...taskRouterEvent, fresh: 'true' }).fresh).toBe(true);
    for (const fresh of ['yes', '2', []]) expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, fresh })).parameter).toBe('fresh');
  });

  test('an event without an interaction is not an error: the SID is simply absent', () => {
    expect(readWebhookEvent({ EventType: 'worker.activity.update', WorkerSid: 'WK123' }).interactionSid).toBeUndefined();
    expect(readWebhookEvent({ ...taskRouterEvent, TaskAttributes: '{"type":"callback"}' }).interactionSid).toBeUndefined();
  });

  test('broken TaskAttributes, a malformed SID inside them, or disagreeing SIDs: 400', () => {
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, TaskAttributes: '{"flexInteractionSid":' })).parameter).toBe(
      'TaskAttributes',
    );
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, TaskAttributes: '["KD"]' })).parameter).toBe('TaskAttributes');
    expect(refusal(() => readWebhookEvent({ TaskAttributes: '{"flexInteractionSid":"KD../../x"}' })).code).toBe('invalid_interaction_sid');
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, InteractionSid: OTHER })).code).toBe('conflicting_parameters');
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, TaskSid: 'WT../x' })).parameter).toBe('TaskSid');
  });
});

describe('the Flex token', () => {
  const jsonPost = { 'content-type': 'application/json', 'content-length': '120' };

  test('is the Token parameter of a POST body, trimmed; empty counts as missing', () => {
    expect(readFlexToken({ Token: ' eyJ.a.b ' }, jsonPost)).toBe('eyJ.a.b');
    expect(readFlexToken({ Token: '  ' }, jsonPost)).toBeUndefined();
    expect(refusal(() => readFlexToken({ Token: ['a', 'b'] }, jsonPost)).parameter).toBe('Token');
    // A chunked body has no Content-Length, and is a body all the same.
    expect(readFlexToken({ Token: 'eyJ.a.b' }, { 'content-type': 'application/x-www-form-urlencoded' })).toBe('eyJ.a.b');
  });

  test('a token that cannot have come in the body came in the URL: 400 that says where it belongs', () => {
    const token = 'eyJ' + 'a'.repeat(300);
    // No body at all: a GET, or a POST without one.
    expect(refusal(() => readFlexToken({ Token: token }, {}))).toMatchObject({ code: 'invalid_request', parameter: 'Token' });
    // A body shorter than the token: the token was in the query string.
    const refused = refusal(() => readFlexToken({ Token: token }, { 'content-type': 'application/json', 'content-length': '2' }));
    expect(refused.message).toMatch(/body of a POST/);
  });

  const TOKEN = fc.stringMatching(/^[A-Za-z0-9_-]{20,120}$/).map((tail) => `eyJ${tail}`);
  /** Parameters as a plugin might send beside the token: any names but Token, and any text, accents and JSON included. */
  const OTHER_PARAMETERS = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !['Token', 'request', '__proto__'].includes(name)),
    fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 })),
    { maxKeys: 5 },
  );
  const form = (parameters: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(parameters)) for (const item of [value].flat()) body.append(name, item);
    return { type: 'application/x-www-form-urlencoded', body: body.toString() };
  };
  const json = (parameters: Record<string, unknown>) => ({ type: 'application/json', body: JSON.stringify(parameters) });
  const posted = ({ type, body }: { type: string; body: string }) => ({
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
  });

  test('every parameter in a form or JSON body, the token among them, is always accepted', () => {
    fc.assert(
      fc.property(TOKEN, OTHER_PARAMETERS, fc.constantFrom(form, json), (token, others, encode) => {
        const parameters = { ...others, Token: token };
        expect(readFlexToken(parameters, posted(encode(parameters)))).toBe(token);
      }),
    );
  });

  test('a token in the URL beside a body longer than the token is refused, unless escapes grew that body by the token', () => {
    fc.assert(
      fc.property(TOKEN, OTHER_PARAMETERS, fc.constantFrom(form, json), (token, others, encode) => {
        // The runtime merges the query into the event: the function sees the token, the Content-Length only the rest.
        const inBody = { ...others, InteractionSid: SID, Padding: 'x'.repeat(token.length * 2) };
        const body = encode(inBody);
        const grownByEscapes = Buffer.byteLength(body.body) - leastEncodedBytes(inBody);
        fc.pre(grownByEscapes < leastEncodedBytes({ Token: token }));
        expect(refusal(() => readFlexToken({ ...inBody, Token: token }, posted(body)))).toMatchObject({
          code: 'invalid_request',
          parameter: 'Token',
        });
      }),
    );
  });
});

describe('the request headers', () => {
  const runtimeRequest = { headers: { origin: 'https://flex.twilio.com', 'x-request-id': ['req-12345678', 'other'] }, cookies: {} };

  test('are what the runtime passes in event.request', () => {
    expect(readRequestHeaders({ request: runtimeRequest })).toBe(runtimeRequest.headers);
    expect(readRequestHeaders({})).toEqual({});
  });

  test.each([
    ['headers without cookies', { headers: { origin: 'https://evil.example', 'x-request-id': 'spoofed-id' } }],
    ['a string', 'spoofed'],
    ['an array', [runtimeRequest]],
    ['a header that is not text', { headers: { origin: { nested: true } }, cookies: {} }],
    ['cookies that are not an object', { headers: {}, cookies: 'a=b' }],
  ])('a body or query field named request (%s) shadows them: 400', (_name, request) => {
    expect(refusal(() => readRequestHeaders({ request }))).toMatchObject({ code: 'invalid_request', parameter: 'request' });
  });
});
