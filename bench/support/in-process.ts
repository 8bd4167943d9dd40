import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import twilio from 'twilio';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Calls a function file in this process as the Functions runtime does: a
 * context holding the environment and a getTwilioClient() that builds a new
 * helper client per call (as twilio-run's does, without its per-call module
 * lookup, a cost of the local dev server only), and the runtime's own
 * Twilio.Response. The time measured ends when the function calls back; the
 * serialization after that is the runtime's.
 */

export interface Reply {
  status: number;
  body: any;
}

export type Invoke = (params: Record<string, unknown>, headers?: Record<string, string>) => Promise<Reply>;

/** The runtime's Response (a file its package does not export, so required by path). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Response } = require(path.join(ROOT, 'node_modules/@twilio/runtime-handler/dist/dev-runtime/internal/response.js')) as {
  Response: new () => { statusCode: number; body: unknown };
};
(globalThis as unknown as { Twilio: object }).Twilio = { ...twilio, Response };

/**
 * The functions' log lines are written, then dropped, and written as Node
 * writes stdout to a file or a pipe on Linux: synchronously (an fs stream
 * would hand every line to libuv's thread pool, a cost no runtime's console
 * has).
 */
const sink = openSync('/dev/null', 'w');
console.log = (...args: unknown[]) => void writeSync(sink, `${format(...args)}\n`);

export interface LoadedFunction {
  handler: ServerlessFunctionSignature;
  /** The project's bundles export it; the baselines keep nothing to forget. */
  resetWarmContainer(): void;
}

/** Loads a function file, as the runtime does, once per process. */
export function loadFunction(file: string): LoadedFunction {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.resolve(ROOT, file)) as Partial<LoadedFunction> & { handler: ServerlessFunctionSignature };
  return { handler: loaded.handler, resetWarmContainer: loaded.resetWarmContainer ?? (() => {}) };
}

export function contextFor(env: Record<string, string>) {
  return {
    DOMAIN_NAME: 'localhost:3000',
    PATH: '/bench',
    ...env,
    getTwilioClient: (options: object = {}) => twilio(env.ACCOUNT_SID, env.AUTH_TOKEN, { lazyLoading: true, ...options }),
  };
}

export function invoker(handler: ServerlessFunctionSignature, env: Record<string, string>): Invoke {
  return (params, headers = {}) =>
    new Promise((resolve) => {
      const callback = (error: unknown, payload?: unknown) => {
        if (error) return resolve({ status: 500, body: { error: String(error) } });
        if (payload instanceof Response) return resolve({ status: payload.statusCode, body: payload.body });
        resolve({ status: 200, body: payload });
      };
      // The parameters arrive as a JSON POST body, as twilio-run passes one.
      const body = JSON.stringify(params);
      const postHeaders = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers };
      void handler(contextFor(env) as never, { request: { headers: postHeaders, cookies: {} }, ...params } as never, callback);
    });
}
