import { SERVER_ERROR_CODES, type ErrorEnvelope } from './generated/enriched-interaction.js';
import { isObject } from './json.js';

/** The codes the endpoint answers with, from the schema's error envelope. */
export type ServerErrorCode = ErrorEnvelope['error']['code'];

/** The codes the client gives itself: no answer came, or an answer that is not the endpoint's. */
export type ClientErrorCode = 'network_error' | 'unexpected_response';

export type EnrichmentErrorCode = ServerErrorCode | ClientErrorCode;

export interface EnrichmentErrorInit {
  code: EnrichmentErrorCode;
  message: string;
  status: number | null;
  requestId?: string | undefined;
  parameter?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

/**
 * Every failure of the client but an abort (which rejects with the signal's reason, as `fetch` does): branch on `code`.
 * `status` is the HTTP status answered, or, for a failure found before sending (a bad `include`, no token, a task
 * without `flexInteractionSid`), the status the endpoint would answer; null when no answer came (`network_error`).
 */
export class EnrichmentError extends Error {
  readonly code: EnrichmentErrorCode;
  readonly status: number | null;
  /** The endpoint's request id (its logs have it); undefined when no request reached it. */
  readonly requestId: string | undefined;
  /** For a 400: the request parameter at fault. */
  readonly parameter: string | undefined;
  /** For `rate_limited`: seconds to wait before asking again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: EnrichmentErrorInit) {
    super(init.message);
    this.name = 'EnrichmentError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.parameter = init.parameter;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

function isServerErrorCode(code: unknown): code is ServerErrorCode {
  return (SERVER_ERROR_CODES as readonly unknown[]).includes(code);
}

const optional = <T>(value: unknown, type: 'string' | 'number'): T | undefined => (typeof value === type ? (value as T) : undefined);

/** Retry-After in seconds, or as an HTTP date. Browsers show it only if the answer exposes it; the envelope carries it too. */
function retryAfterHeader(headers: Headers, now: number): number | undefined {
  const value = headers.get('Retry-After')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The error a failed answer stands for: the endpoint's envelope when it sent one, else what the status says. */
export function errorFromAnswer(response: Response, body: unknown): EnrichmentError {
  const retryAfter = retryAfterHeader(response.headers, Date.now());
  const envelope = isObject(body) && isObject(body.error) ? body.error : undefined;
  const requestId =
    optional<string>(isObject(body) ? body.requestId : undefined, 'string') ?? response.headers.get('X-Request-Id') ?? undefined;
  if (envelope && isServerErrorCode(envelope.code)) {
    return new EnrichmentError({
      code: envelope.code,
      message: optional<string>(envelope.message, 'string') ?? envelope.code,
      status: response.status,
      requestId,
      parameter: optional<string>(envelope.parameter, 'string'),
      retryAfterSeconds: optional<number>(envelope.retryAfterSeconds, 'number') ?? retryAfter,
    });
  }
  // A 429 from in front of the function (the platform's own limit) is a rate limit all the same.
  if (response.status === 429)
    return new EnrichmentError({
      code: 'rate_limited',
      message: 'Too many requests.',
      status: 429,
      requestId,
      retryAfterSeconds: retryAfter,
    });
  return new EnrichmentError({
    code: 'unexpected_response',
    message: `The endpoint answered ${response.status} without an error the client knows.`,
    status: response.status,
    requestId,
  });
}
