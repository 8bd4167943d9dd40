import { errors } from '../twilio-error';
import type { ApiRoute } from './route';

/**
 * Flex token validation (iam.twilio.com), the call twilio-flex-token-validator
 * makes: a JSON body `{ token }`, answered with `valid` and the token's claims.
 */
export const iamRoutes: ApiRoute[] = [
  {
    operationId: 'ValidateToken',
    product: 'iam',
    method: 'POST',
    path: '/v1/Accounts/:AccountSid/Tokens/validate',
    sids: { AccountSid: 'AC' },
    handle: ({ params, path, body }, store) => {
      if (params.AccountSid !== store.accountSid) throw errors.notFound(path);
      const token = body.token;
      if (token === undefined || token === '') throw errors.missingParameter('token');
      if (typeof token !== 'string') throw errors.invalidParameter('token', 'must be a string');
      const record = store.flexToken(token);
      if (!record) return { body: invalid(20101, 'Invalid Access Token') };
      if (record.expiresAt <= store.now()) return { body: invalid(20104, 'Access Token expired or expiration date invalid') };
      return {
        body: {
          valid: true,
          code: 0,
          message: null,
          expiration: new Date(record.expiresAt).toISOString(),
          realm_user_id: record.realmUserId,
          identity: record.identity,
          flex_instance_sid: store.flexInstanceSid,
          worker_sid: record.workerSid,
          roles: record.roles,
        },
      };
    },
  },
];

function invalid(code: number, message: string) {
  return {
    valid: false,
    code,
    message,
    expiration: null,
    realm_user_id: null,
    identity: null,
    flex_instance_sid: null,
    worker_sid: null,
    roles: null,
  };
}
