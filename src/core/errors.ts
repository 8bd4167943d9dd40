/**
 * The one error type of the project. Every failure becomes an EnrichmentError
 * with a stable code; `httpStatusOf` is the one place that maps codes to HTTP
 * statuses, and `errorBody` the one place that shapes the JSON error envelope.
 */

export const ERROR_STATUS = {
  invalid_request: 400,
  missing_interaction_sid: 400,
  invalid_interaction_sid: 400,
  invalid_include: 400,
  conflicting_parameters: 400,
  missing_token: 401,
  invalid_token: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  interaction_not_found: 404,
  upstream_auth_failed: 502,
  rate_limited: 429,
  upstream_error: 502,
  upstream_timeout: 504,
  deadline_exceeded: 504,
  invalid_configuration: 500,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetails {
  /** The request parameter at fault, for 400s. */
  parameter?: string;
  /** Twilio's own error code when the failure came from Twilio (20404, 20429, ...). */
  twilioCode?: number;
  /** The HTTP status Twilio answered with. */
  twilioStatus?: number;
  /** For `rate_limited`: when to try again, in seconds (also the answer's Retry-After header). */
  retryAfterSeconds?: number;
}

export class EnrichmentError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'EnrichmentError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    status: number;
    parameter?: string;
    twilioCode?: number;
    moreInfo?: string;
    retryAfterSeconds?: number;
  };
  requestId: string;
}

/** Anything thrown becomes an EnrichmentError; unknown throwables are an internal error, never echoed. */
export function asEnrichmentError(thrown: unknown): EnrichmentError {
  if (thrown instanceof EnrichmentError) return thrown;
  return new EnrichmentError('internal_error', 'The enrichment failed unexpectedly; see the logs with this requestId.');
}

export function errorBody(error: EnrichmentError, requestId: string): ErrorEnvelope {
  const { parameter, twilioCode, retryAfterSeconds } = error.details;
  return {
    error: {
      code: error.code,
      message: error.message,
      status: error.status,
      ...(parameter !== undefined ? { parameter } : {}),
      ...(twilioCode !== undefined ? { twilioCode, moreInfo: `https://www.twilio.com/docs/errors/${twilioCode}` } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    },
    requestId,
  };
}

/** Headers an error answer carries: Retry-After for `rate_limited`. */
export function errorHeaders(error: EnrichmentError): Record<string, string> {
  const { retryAfterSeconds } = error.details;
  return retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {};
}

export const badRequest = (code: ErrorCode, parameter: string, message: string) => new EnrichmentError(code, message, { parameter });
