import type { Endpoint } from './request-parameters';

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

/**
 * When each code is answered (the README's Errors table and the OpenAPI document's error answers, npm run docs), and
 * the codes only some endpoints answer. Only the docs import these, so esbuild leaves them out of the bundles.
 */
export const ERROR_MEANINGS: ReadonlyArray<{ codes: readonly ErrorCode[]; when: string }> = [
  {
    codes: ['missing_interaction_sid', 'invalid_interaction_sid', 'invalid_include', 'conflicting_parameters', 'invalid_request'],
    when:
      'The input is missing or malformed; `parameter` names the field. Nothing was sent to Twilio. (A webhook event ' +
      'without an interaction is skipped with a 200.)',
  },
  { codes: ['missing_token', 'invalid_token'], when: '`/interaction` without a valid, unexpired Flex token.' },
  { codes: ['forbidden'], when: 'The token has none of `FLEX_ALLOWED_ROLES`.' },
  {
    codes: ['origin_not_allowed'],
    when:
      "`/interaction` from a browser page on an origin that is neither in `FLEX_ALLOWED_ORIGINS` nor the Service's own. " +
      'Nothing was sent to Twilio.',
  },
  { codes: ['interaction_not_found'], when: 'Twilio has no such interaction in this account (`twilioCode` 20404).' },
  {
    codes: ['rate_limited'],
    when:
      'Twilio answered 429 (`twilioCode` 20429), or did on the same endpoint less than `UPSTREAM_RATE_LIMIT_HOLD_MS` ago, ' +
      "and the container's retry budget allowed no retry or the wait would pass the deadline: answered at once, with " +
      '`retryAfterSeconds` and a `Retry-After` header to branch on. Never hidden in a partial answer. With Sync, a shared ' +
      'copy answers first, marked `meta.stale` ([docs/scale.md](docs/scale.md#past-capacity)).',
  },
  { codes: ['upstream_auth_failed', 'upstream_error'], when: "Twilio refused the service's credentials, or failed." },
  {
    codes: ['upstream_timeout', 'deadline_exceeded'],
    when: "Twilio did not answer within the attempt timeout or the request's deadline (`REQUEST_DEADLINE_MS`).",
  },
  {
    codes: ['invalid_configuration'],
    when: 'A setting is wrong or `ACCOUNT_SID`/`AUTH_TOKEN` are missing: the message names it.',
  },
  { codes: ['internal_error'], when: 'A bug; the message points to the logs by `requestId`. Nothing of the error itself is echoed.' },
];

/** The codes only some endpoints answer: the Flex token's and origin's on /interaction; a webhook skips an event without a SID. */
export const ERROR_ENDPOINTS: Partial<Record<ErrorCode, readonly Endpoint[]>> = {
  missing_interaction_sid: ['flex', 'studio'],
  missing_token: ['flex'],
  invalid_token: ['flex'],
  forbidden: ['flex'],
  origin_not_allowed: ['flex'],
};

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
