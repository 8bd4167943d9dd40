import type { Twilio } from 'twilio';
import { EnrichmentError } from '../../src/core/errors';
import { TwilioGateway, upstreamFailure } from '../../src/core/twilio/twilio-gateway';
import type { UpstreamHttpClient } from '../../src/core/twilio/upstream-http-client';

/** Flex token validation reads IAM's verdict from the body, as the stock validator does. */

function gatewayAnswering(statusCode: number, body: unknown) {
  const client = { request: async () => ({ statusCode, body }) } as unknown as Twilio;
  return new TwilioGateway(client, {} as UpstreamHttpClient, 'AC' + '0'.repeat(32), { count: 0 });
}

const validBody = {
  valid: true,
  code: 0,
  message: null,
  expiration: '2026-11-25T12:00:00.000Z',
  realm_user_id: 'US' + '1'.repeat(32),
  identity: 'amara.okafor@harbourbank.example',
  worker_sid: 'WK' + '2'.repeat(32),
  roles: ['agent'],
};

test('a valid token gives its claims', async () => {
  await expect(gatewayAnswering(200, JSON.stringify(validBody)).validateFlexToken('t')).resolves.toEqual({
    valid: true,
    claims: {
      identity: 'amara.okafor@harbourbank.example',
      workerSid: 'WK' + '2'.repeat(32),
      roles: ['agent'],
      realmUserId: 'US' + '1'.repeat(32),
      expiresAt: Date.parse('2026-11-25T12:00:00.000Z'),
    },
  });
});

test.each([200, 401, 403])('a body that says valid: false is a refusal whatever the status (%d)', async (status) => {
  await expect(
    gatewayAnswering(status, { valid: false, code: 20101, message: 'Invalid Access Token' }).validateFlexToken('t'),
  ).resolves.toEqual({ valid: false, reason: 'Invalid Access Token' });
});

test('IAM refusing the service’s own credentials is an upstream failure, not a refused token', async () => {
  const refusal = gatewayAnswering(401, { code: 20003, message: 'Authenticate', more_info: '', status: 401 }).validateFlexToken('t');
  await expect(refusal).rejects.toThrow(EnrichmentError);
  await expect(refusal).rejects.toMatchObject({ code: 'upstream_auth_failed' });
});

test('an answer that is not JSON is an upstream failure when the status is not 2xx', async () => {
  await expect(gatewayAnswering(503, '<html>').validateFlexToken('t')).rejects.toMatchObject({ code: 'upstream_error' });
});

test('a failure without an HTTP status says whether Twilio could not be reached or its answer could not be read', () => {
  const network = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  expect(upstreamFailure(network, 'listing the interaction channels').message).toBe(
    'Twilio could not be reached while listing the interaction channels (ECONNRESET).',
  );
  // What the helper throws for a list page whose records it cannot find.
  expect(upstreamFailure(new Error('Page Records cannot be deserialized'), 'listing the interaction channels').message).toBe(
    "Twilio's answer could not be read while listing the interaction channels.",
  );
});
