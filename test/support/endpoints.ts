import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { invoke, type Answer, type InvokeOptions } from '../../harness';
import { handler as flexHandler } from '../../src/functions/interaction';
import { handler as studioHandler } from '../../src/functions/studio/interaction.protected';
import { handler as webhookHandler } from '../../src/functions/webhooks/interaction.protected';
import { ENDPOINT_PATHS, type Endpoint } from '../../src/core/request-parameters';
import { assertConformsToOpenApi, type RequestCheck } from './openapi';
import { rawRequest, type RawAnswer, type RawRequestOptions } from './raw-api';

/**
 * The three endpoints as tests call them, over HTTP or in process: every exchange is held to schema/openapi.json
 * (test/support/openapi.ts), so no test has to remember to. `request` says how a deliberately malformed request is
 * checked; its answer is checked whatever it says.
 */

export interface EndpointCheck {
  request?: RequestCheck;
}

/** An HTTP request to one of the endpoints, at `baseUrl` (twilio-run, npm start's front door), and its checked answer. */
export async function requestEndpoint(
  baseUrl: string,
  method: string,
  path: string,
  options: Omit<RawRequestOptions, 'auth'> & EndpointCheck = {},
): Promise<RawAnswer> {
  const { request = 'valid', ...sent } = options;
  const answer = await rawRequest(baseUrl, method, path, { auth: 'none', ...sent });
  const contentType =
    Object.entries(sent.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ??
    (sent.formData
      ? 'multipart/form-data'
      : sent.form
        ? 'application/x-www-form-urlencoded'
        : sent.json !== undefined
          ? 'application/json'
          : undefined);
  const body =
    sent.body ?? (sent.form ? new URLSearchParams(sent.form).toString() : sent.json !== undefined ? JSON.stringify(sent.json) : undefined);
  assertConformsToOpenApi(
    { method, path, request: { contentType, body: sent.formData ? '(multipart)' : body }, response: answer },
    request,
  );
  return answer;
}

/**
 * fetch() to one of the endpoints, for tests that speak fetch (npm start's), its answer checked; the Response is
 * handed back unread. Only for answers a function gave: what npm start's front door refuses on its own (a missing
 * signature) is not the document's.
 */
export async function fetchEndpoint(url: string, init: RequestInit = {}, { request = 'valid' }: EndpointCheck = {}): Promise<Response> {
  const response = await fetch(url, init);
  const { pathname, search } = new URL(url);
  const headers = new Headers(init.headers);
  const body = init.body instanceof URLSearchParams ? init.body.toString() : typeof init.body === 'string' ? init.body : undefined;
  const contentType =
    headers.get('content-type') ?? (init.body instanceof URLSearchParams ? 'application/x-www-form-urlencoded' : undefined);
  const text = await response.clone().text();
  assertConformsToOpenApi(
    {
      method: init.method ?? 'GET',
      path: pathname + search,
      request: { contentType: contentType ?? undefined, body },
      response: { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined },
    },
    request,
  );
  return response;
}

const HANDLERS: Record<Endpoint, ServerlessFunctionSignature> = { flex: flexHandler, studio: studioHandler, webhook: webhookHandler };

/** A function called in process as the runtime calls it (a JSON POST unless `options.headers` says otherwise), its answer checked. */
export async function invokeEndpoint(
  endpoint: Endpoint,
  env: Record<string, string>,
  params: Record<string, unknown>,
  options: InvokeOptions & EndpointCheck = {},
): Promise<Answer> {
  const { request = 'valid', ...invokeOptions } = options;
  const answer = await invoke(HANDLERS[endpoint], env, params, invokeOptions);
  const contentType = Object.entries(invokeOptions.headers ?? {}).find(([name]) => name === 'content-type')?.[1] ?? 'application/json';
  assertConformsToOpenApi(
    { method: 'POST', path: ENDPOINT_PATHS[endpoint], request: { contentType, body: params }, response: answer },
    request,
  );
  return answer;
}
