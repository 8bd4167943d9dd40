import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { installRuntimeTwilioGlobal, invoke, type Answer } from '../../harness';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Function files called in this process as the Functions runtime calls them (the harness's invoke: a context
 * whose getTwilioClient() builds a new helper client per call, as twilio-run's does, without its per-call module
 * lookup, a cost of the local dev server only), with the runtime's own Twilio.Response. The time measured ends
 * when the function calls back; the serialization after that is the runtime's.
 */

export type Invoke = (params: Record<string, unknown>) => Promise<Answer>;

installRuntimeTwilioGlobal();

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

/** `handler` with the environment `env`, called with the parameters of each request. */
export function invoker(handler: ServerlessFunctionSignature, env: Record<string, string>): Invoke {
  return (params) => invoke(handler, env, params);
}
