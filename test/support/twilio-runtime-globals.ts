import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';

/**
 * The global `Twilio.Response` the Functions runtime provides, for tests that
 * call a handler directly. It records what the handler set, as the runtime
 * would send it.
 */
export class RecordedResponse implements Pick<TwilioResponse, 'setStatusCode' | 'setBody' | 'appendHeader' | 'setHeaders'> {
  statusCode = 200;
  body: unknown = undefined;
  headers: Record<string, string> = {};

  setStatusCode(code: number) {
    this.statusCode = code;
    return this as unknown as TwilioResponse;
  }
  setBody(body: string | object) {
    this.body = body;
    return this as unknown as TwilioResponse;
  }
  appendHeader(key: string, value: string) {
    this.headers[key] = value;
    return this as unknown as TwilioResponse;
  }
  setHeaders(headers: Record<string, string>) {
    this.headers = { ...headers };
    return this as unknown as TwilioResponse;
  }
}

(globalThis as unknown as { Twilio: { Response: typeof RecordedResponse } }).Twilio = { Response: RecordedResponse };
