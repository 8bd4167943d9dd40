/// <reference types="@twilio-labs/serverless-runtime-types" />
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import type { Answer } from '../work';

/** The one place that builds a Twilio.Response: JSON, never cached, with the request id. */
export function respond(callback: ServerlessCallback, answer: Answer): void {
  const response = new Twilio.Response();
  response.setStatusCode(answer.status);
  response.appendHeader('Content-Type', 'application/json; charset=utf-8');
  response.appendHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(answer.headers ?? {})) response.appendHeader(name, value);
  response.setBody(answer.body);
  callback(null, response);
}
