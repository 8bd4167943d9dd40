import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assertConformsToOpenApi, requestProblems, type Exchange } from '../support/openapi';

/**
 * The checker every integration test's exchange goes through (test/support/endpoints.ts) must be able to say no:
 * fed answers and requests the document does not describe, it throws or names the problem.
 */

const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';
const payload = JSON.parse(
  /```json\n([\s\S]*?)\n```/.exec(
    readFileSync(path.resolve(__dirname, '../../docs/payload.md'), 'utf8').split('<!-- generated: payload example')[1]!,
  )![1]!,
);
const HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Request-Id': 'req-12345678' };
const FLEX_HEADERS = { ...HEADERS, Vary: 'Origin' };
const error = (status: number, code: string, extra: object = {}) => ({
  error: { code, message: 'No.', status, ...extra },
  requestId: 'req-12345678',
});

const studio = (
  response: Partial<Exchange['response']>,
  request: Exchange['request'] = { contentType: 'application/json', body: { InteractionSid: SID } },
): Exchange => ({
  method: 'POST',
  path: '/studio/interaction',
  request,
  response: { status: 200, headers: HEADERS, body: payload, ...response },
});

test('an answer the document lists passes: the 200 payload, a 404, a 429 with its Retry-After', () => {
  expect(() => assertConformsToOpenApi(studio({}))).not.toThrow();
  expect(() =>
    assertConformsToOpenApi(studio({ status: 404, body: error(404, 'interaction_not_found', { twilioCode: 20404 }) })),
  ).not.toThrow();
  const limited = studio({
    status: 429,
    headers: { ...HEADERS, 'Retry-After': '2' },
    body: error(429, 'rate_limited', { retryAfterSeconds: 2 }),
  });
  expect(() => assertConformsToOpenApi(limited)).not.toThrow();
});

test.each([
  [
    'a status the endpoint does not answer (401 on /studio/interaction)',
    studio({ status: 401, body: error(401, 'missing_token') }),
    /does not list/,
  ],
  ['an error without its requestId', studio({ status: 404, body: { error: error(404, 'interaction_not_found').error } }), /requestId/],
  ['a code of another status', studio({ status: 400, body: error(400, 'forbidden') }), /allowed values/],
  ['a status field that is not the answer’s', studio({ status: 400, body: error(404, 'invalid_include') }), /constant/],
  ['a 429 without Retry-After', studio({ status: 429, body: error(429, 'rate_limited', { retryAfterSeconds: 1 }) }), /Retry-After/],
  [
    'an answer without X-Request-Id',
    studio({ headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } }),
    /X-Request-Id/,
  ],
  ['an answer that may be cached', studio({ headers: { ...HEADERS, 'Cache-Control': 'max-age=60' } }), /Cache-Control/],
  ['a payload with a field the schema lacks', studio({ body: { ...payload, extra: true } }), /additional properties/],
  [
    'a skipped answer from /studio/interaction',
    studio({ body: { skipped: true, reason: 'x', eventType: null, taskSid: null, requestId: 'r' } }),
    /does not allow/,
  ],
  ['an answer that is not JSON', studio({ headers: { ...HEADERS, 'Content-Type': 'text/html' } }), /Content-Type/],
  [
    'missing_interaction_sid from the webhook',
    { ...studio({ status: 400, body: error(400, 'missing_interaction_sid') }), path: '/webhooks/interaction' },
    /allowed values/,
  ],
  [
    '/interaction without its Vary: Origin',
    { ...studio({}), path: '/interaction', request: { contentType: 'application/json', body: { Token: 't', InteractionSid: SID } } },
    /Vary/,
  ],
])('the checker refuses %s', (_, exchange, message) => {
  expect(() => assertConformsToOpenApi(exchange)).toThrow(message);
});

test('/interaction with its CORS headers passes', () => {
  const exchange = {
    ...studio({ headers: FLEX_HEADERS }),
    path: '/interaction',
    request: { contentType: 'application/x-www-form-urlencoded', body: `Token=t&InteractionSid=${SID}` },
  };
  expect(() => assertConformsToOpenApi(exchange)).not.toThrow();
});

describe('requests', () => {
  const problemsOf = (method: string, path: string, request: Exchange['request'] = {}) =>
    requestProblems({ method, path, request, response: { status: 200, headers: {}, body: null } });

  test.each([
    [
      'a form post',
      'POST',
      '/studio/interaction',
      { contentType: 'application/x-www-form-urlencoded', body: `InteractionSid=${SID}&include=channels,TASK` },
    ],
    [
      'a JSON post with a JSON boolean',
      'POST',
      '/studio/interaction',
      { contentType: 'application/json', body: { interactionSid: SID, fresh: true } },
    ],
    ['a GET with the query', 'GET', `/studio/interaction?InteractionSid=${SID}&fresh=1`, {}],
    [
      'the SID in the query of a POST, merged with its body',
      'POST',
      `/studio/interaction?InteractionSid=${SID}`,
      { contentType: 'application/json', body: { include: 'all' } },
    ],
    [
      'a webhook event with TaskAttributes as text',
      'POST',
      '/webhooks/interaction',
      {
        contentType: 'application/x-www-form-urlencoded',
        body: `EventType=task.created&TaskAttributes=${encodeURIComponent('{"flexInteractionSid":"' + SID + '"}')}`,
      },
    ],
    [
      'a webhook event with TaskAttributes as an object',
      'POST',
      '/webhooks/interaction',
      { contentType: 'application/json', body: { TaskAttributes: { flexInteractionSid: SID }, Sid: 'EV1' } },
    ],
  ])('the document describes %s', (_, method, path, request) => {
    expect(problemsOf(method, path, request)).toEqual([]);
  });

  test.each([
    [
      'a Token in the URL',
      'POST',
      `/interaction?Token=t`,
      { contentType: 'application/json', body: { InteractionSid: SID } },
      /belongs in the body/,
    ],
    ['a GET to /interaction', 'GET', `/interaction?InteractionSid=${SID}`, {}, /not an operation/],
    ['no Token', 'POST', '/interaction', { contentType: 'application/json', body: { InteractionSid: SID } }, /Token/],
    [
      'a SID that is not one',
      'POST',
      '/studio/interaction',
      { contentType: 'application/json', body: { InteractionSid: 'KD123' } },
      /pattern/,
    ],
    ['no SID', 'POST', '/studio/interaction', { contentType: 'application/json', body: { include: 'all' } }, /anyOf/],
    [
      'a parameter named request',
      'POST',
      '/studio/interaction',
      { contentType: 'application/json', body: { InteractionSid: SID, request: {} } },
      /property name/,
    ],
    [
      'a repeated form field',
      'POST',
      '/studio/interaction',
      { contentType: 'application/x-www-form-urlencoded', body: `InteractionSid=${SID}&InteractionSid=${SID}` },
      /string/,
    ],
    ['a body as text/plain', 'POST', '/studio/interaction', { contentType: 'text/plain', body: 'hello' }, /type text\/plain/],
  ])('the document does not describe %s', (_, method, path, request, problem) => {
    expect(problemsOf(method, path, request).join('\n')).toMatch(problem);
  });

  test("a request meant to be malformed that the document describes fails the test that sent it; 'unchecked' leaves it", () => {
    expect(() => assertConformsToOpenApi(studio({}), 'invalid')).toThrow(/meant to be malformed/);
    const noSid = studio({ status: 400, body: error(400, 'missing_interaction_sid') }, { contentType: 'application/json', body: {} });
    expect(() => assertConformsToOpenApi(noSid)).toThrow(/does not describe/);
    expect(() => assertConformsToOpenApi(noSid, 'invalid')).not.toThrow();
    expect(() => assertConformsToOpenApi(noSid, 'unchecked')).not.toThrow();
  });
});
