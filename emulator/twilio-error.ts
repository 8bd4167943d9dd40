/**
 * Twilio's REST error body: `{ code, message, more_info, status }`, the shape
 * twilio-oai publishes as `twilio.service_error_response`.
 */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  get body(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

export const errors = {
  authenticate: () => new TwilioApiError(401, 20003, 'Authenticate', { 'WWW-Authenticate': 'Basic realm="Twilio API"' }),
  notFound: (path: string) => new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  forbidden: (message: string) => new TwilioApiError(403, 20403, message),
  methodNotAllowed: (method: string) => new TwilioApiError(405, 20004, `Method ${method} not allowed`),
  missingParameter: (name: string) => new TwilioApiError(400, 20001, `Missing required parameter ${name} in the post body`),
  invalidParameter: (name: string, why: string) => new TwilioApiError(400, 20001, `Invalid parameter ${name}: ${why}`),
  badRequest: (message: string) => new TwilioApiError(400, 20001, message),
  unsupportedMediaType: (type: string) => new TwilioApiError(415, 20415, `Unsupported Media Type: ${type || 'none'}`),
  preconditionFailed: () => new TwilioApiError(412, 20412, 'Precondition Failed: the If-Match header does not match the current ETag'),
  tooManyRequests: () => new TwilioApiError(429, 20429, 'Too Many Requests'),
  /** Sync's per-object limit: reads, or writes, of one object. */
  syncRateLimit: () => new TwilioApiError(429, 54009, 'Rate limit exceeded'),
  serverError: (status: number) => new TwilioApiError(status, 20500, status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
};
