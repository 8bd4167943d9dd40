import { asEnrichmentError, ERROR_STATUS, EnrichmentError, errorBody, errorHeaders } from '../../src/core/errors';
import { upstreamFailure } from '../../src/core/twilio/twilio-gateway';
import schema from '../../schema/enriched-interaction.schema.json';
import { assertMatchesSchema } from '../support/schema';

test('statuses are mapped deliberately: bad input 400, auth 401/403, not found 404, rate limited 429, upstream 502, deadline 504', () => {
  expect(ERROR_STATUS).toMatchObject({
    invalid_interaction_sid: 400,
    missing_token: 401,
    invalid_token: 401,
    forbidden: 403,
    origin_not_allowed: 403,
    interaction_not_found: 404,
    upstream_auth_failed: 502,
    rate_limited: 429,
    upstream_error: 502,
    upstream_timeout: 504,
    deadline_exceeded: 504,
  });
});

test('the schema’s error envelope names exactly the codes of the error table', () => {
  const envelope = (schema as { $defs: { error: { properties: { error: { properties: { code: { enum: string[] } } } } } } }).$defs.error;
  expect([...envelope.properties.error.properties.code.enum].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
});

test('the envelope carries the code, message, status, parameter and Twilio code, and matches the schema', () => {
  const error = new EnrichmentError('interaction_not_found', 'Interaction KD... was not found in this account.', {
    twilioCode: 20404,
    twilioStatus: 404,
  });
  const body = errorBody(error, 'req-1');
  expect(body).toEqual({
    error: {
      code: 'interaction_not_found',
      message: 'Interaction KD... was not found in this account.',
      status: 404,
      twilioCode: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    },
    requestId: 'req-1',
  });
  assertMatchesSchema('error', body);
});

test('a rate_limited error says when to come back, in the body and as Retry-After, and matches the schema', () => {
  const error = new EnrichmentError('rate_limited', 'Twilio is rate-limiting this account.', { twilioCode: 20429, retryAfterSeconds: 2 });
  const body = errorBody(error, 'req-2');
  expect(body.error).toMatchObject({ code: 'rate_limited', status: 429, twilioCode: 20429, retryAfterSeconds: 2 });
  expect(errorHeaders(error)).toEqual({ 'Retry-After': '2' });
  expect(errorHeaders(new EnrichmentError('upstream_error', 'x'))).toEqual({});
  assertMatchesSchema('error', body);
});

test('an unexpected throwable becomes internal_error without its message or stack', () => {
  const leaked = new TypeError('Cannot read properties of undefined (reading "AUTH_TOKEN=abc")');
  const error = asEnrichmentError(leaked);
  expect(error.code).toBe('internal_error');
  expect(JSON.stringify(errorBody(error, 'r'))).not.toMatch(/AUTH_TOKEN|TypeError|at /);
});

test.each([
  [{ status: 401, code: 20003 }, 'upstream_auth_failed', 502],
  [{ status: 403, code: 20403 }, 'upstream_auth_failed', 502],
  [{ status: 429, code: 20429 }, 'rate_limited', 429],
  [{ status: 503 }, 'upstream_error', 502],
  [{ status: 400, code: 20001 }, 'upstream_error', 502],
  [{ code: 'ECONNABORTED' }, 'upstream_timeout', 504],
  [{ code: 'ECONNREFUSED' }, 'upstream_error', 502],
  [new Error('socket hang up'), 'upstream_error', 502],
])('a helper failure %j becomes %s (%d)', (thrown, code, status) => {
  const error = upstreamFailure(thrown, 'fetching the interaction');
  expect(error.code).toBe(code);
  expect(error.status).toBe(status);
});
