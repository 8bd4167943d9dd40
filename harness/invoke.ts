/**
 * A function called in this process as the Functions runtime calls it: a context holding the environment and
 * getTwilioClient(), an event with the caller's parameters and request headers, and a callback. The global
 * `Twilio.Response` is the caller's to install: tests record what a handler set
 * (test/support/twilio-runtime-globals.ts), the bench uses the runtime's own (bench/support/in-process.ts).
 */
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import twilio from 'twilio';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** What a Twilio.Response holds once a handler has set it: the runtime's and the tests' recorder alike. */
interface SentResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

const installedResponse = () => (globalThis as unknown as { Twilio: { Response: new () => SentResponse } }).Twilio.Response;

export interface InvokeOptions {
  /** Request headers on top of a JSON POST's (content-type and content-length), as twilio-run passes them. */
  headers?: Record<string, string>;
  /** Another runtime's getTwilioClient(); by default the local runtime's, which builds a new helper client per call. */
  getTwilioClient?: (options?: object) => unknown;
}

/** The context twilio-run builds for a function, with the environment `env`. */
export function runtimeContext(env: Record<string, string>, getTwilioClient?: InvokeOptions['getTwilioClient']) {
  return {
    PATH: '/in-process',
    DOMAIN_NAME: 'localhost:3000',
    SERVICE_SID: undefined,
    ENVIRONMENT_SID: undefined,
    ...env,
    getTwilioClient:
      getTwilioClient ?? ((options: object = {}) => twilio(env.ACCOUNT_SID, env.AUTH_TOKEN, { lazyLoading: true, ...options })),
  };
}

/**
 * Calls `handler` with `params` as the caller's parameters, sent as a JSON POST body unless `options.headers` says
 * otherwise. Resolves with the answer once the handler calls back (a value that is not a Twilio.Response is a 200
 * with that body, as the runtime sends it); rejects if it calls back with an error.
 */
export function invoke(
  handler: ServerlessFunctionSignature,
  env: Record<string, string>,
  params: Record<string, unknown>,
  options: InvokeOptions = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const callback = (error: unknown, response?: unknown) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      if (response instanceof installedResponse())
        return resolve({ status: response.statusCode, headers: response.headers, body: response.body });
      resolve({ status: 200, headers: {}, body: response });
    };
    const body = JSON.stringify(params);
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...options.headers };
    const event = { request: { headers, cookies: {} }, ...params };
    void handler(runtimeContext(env, options.getTwilioClient) as never, event as never, callback);
  });
}
