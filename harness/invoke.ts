import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import twilio from 'twilio';
import type { RecordedResponse } from '../test/support/twilio-runtime-globals';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/**
 * Calls a function handler the way the Functions runtime does: a context
 * holding the environment and getTwilioClient(), an event with the caller's
 * parameters and request headers, and a callback. The parameters arrive as a
 * JSON POST body unless `headers` says otherwise.
 */
export function invoke(
  handler: ServerlessFunctionSignature,
  env: Record<string, string>,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
  runtime: { getTwilioClient?: (options?: object) => unknown } = {},
): Promise<Answer> {
  const context = {
    ...env,
    DOMAIN_NAME: 'localhost:3000',
    PATH: '/test',
    SERVICE_SID: undefined,
    ENVIRONMENT_SID: undefined,
    // As the local runtime builds it; `runtime` can stand in for another runtime's.
    getTwilioClient:
      runtime.getTwilioClient ?? ((options: object = {}) => twilio(env.ACCOUNT_SID, env.AUTH_TOKEN, { lazyLoading: true, ...options })),
  };
  return new Promise((resolve, reject) => {
    const callback = (error: unknown, response?: unknown) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      const recorded = response as RecordedResponse;
      resolve({ status: recorded.statusCode, headers: recorded.headers, body: recorded.body });
    };
    const body = JSON.stringify(params);
    const postHeaders = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers };
    void handler(context as never, { request: { headers: postHeaders, cookies: {} }, ...params } as never, callback);
  });
}
