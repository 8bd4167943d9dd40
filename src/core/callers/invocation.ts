import type { Context, ServerlessCallback, ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { randomUUID } from 'node:crypto';
import type { RequestClient } from 'twilio';
import { ConcurrencyLimit } from '../concurrency-limit';
import { configFrom, secretsIn, type Config } from '../config';
import { Deadline } from '../deadline';
import { asEnrichmentError, EnrichmentError, errorBody } from '../errors';
import { createLogger, describeError, type Logger } from '../logger';
import { headerValue, readRequestHeaders, type Event, type RequestHeaders } from '../request-input';
import { twilioClientFor } from '../twilio/client-factory';
import { TwilioGateway } from '../twilio/twilio-gateway';
import { UpstreamHttpClient, type Transport } from '../twilio/upstream-http-client';
import { respond, type Answer } from './respond';

/**
 * What every endpoint shares: one request id, the parsed configuration, a
 * logger, the invocation's deadline, a lazily built gateway to Twilio, and
 * one place that turns a result or a failure into the JSON answer.
 */
export interface Invocation {
  event: Event;
  /** The headers the runtime passed, checked by readRequestHeaders. */
  headers: RequestHeaders;
  requestId: string;
  startedAt: number;
  config: Config;
  logger: Logger;
  deadline: Deadline;
  /** Built on first use, so input that fails validation costs no Twilio client. */
  gateway(): TwilioGateway;
  /** Fields for the completion log line (interaction SID, cache, ...). */
  logFields: Record<string, unknown>;
}

/**
 * An endpoint's own logic: `parse` validates the input without any I/O (bad
 * input is answered before anything is sent to Twilio), `run` does the work.
 */
export interface Work<T> {
  parse(event: Event): T;
  run(invocation: Invocation, input: T): Promise<Answer>;
}

/** What a caller kind adds around the work. */
export interface CallerOptions {
  /** Runs after parse and before run (Flex token validation). */
  authorize?: (invocation: Invocation) => Promise<void>;
  /** Headers on every answer, errors included (CORS for Flex). */
  headers?: (requestHeaders: RequestHeaders, config: Config | undefined) => Record<string, string>;
}

/**
 * Time kept back from REQUEST_DEADLINE_MS to build and send the answer, and
 * for what the runtime spends before the handler starts (parsing the request,
 * queueing behind other requests in a local twilio-run), which the handler
 * cannot measure but the caller's clock includes.
 */
const ANSWER_RESERVE_MS = 250;

let sharedTransport: Transport | undefined;
let sharedLimit: ConcurrencyLimit | undefined;

/** One RequestClient per container keeps connections alive across invocations; twilio loads on first use. */
function transport(): Transport {
  if (!sharedTransport) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const helper = require('twilio') as { RequestClient: typeof RequestClient };
    sharedTransport = new helper.RequestClient({ keepAlive: true, autoRetry: false });
  }
  return sharedTransport;
}

function concurrencyLimit(config: Config): ConcurrencyLimit {
  if (!sharedLimit) sharedLimit = new ConcurrencyLimit(config.maxConcurrency);
  else sharedLimit.resize(config.maxConcurrency);
  return sharedLimit;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function invocationHandler<T>(endpoint: string, work: Work<T>, options: CallerOptions = {}): ServerlessFunctionSignature {
  const headers = options.headers ?? (() => ({}));
  return (context: Context, rawEvent: unknown, callback: ServerlessCallback) => {
    const startedAt = Date.now();
    const event: Event = typeof rawEvent === 'object' && rawEvent !== null ? (rawEvent as Event) : {};
    // A malformed `request` is refused in the try below; until then, no header is trusted.
    let requestHeaders: RequestHeaders = {};
    let malformedRequest: unknown;
    try {
      requestHeaders = readRequestHeaders(event);
    } catch (thrown) {
      malformedRequest = thrown;
    }
    const incomingId = headerValue(requestHeaders, 'x-request-id');
    const requestId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    let config: Config | undefined;
    let logger: Logger | undefined;
    // Until the config is read (or when it is invalid), a logger at info that still knows the secrets.
    const log = () =>
      (logger ??= createLogger({
        requestId,
        level: 'info',
        secrets: secretsIn(context as unknown as Record<string, unknown>),
        base: { endpoint },
      }));
    const logFields: Record<string, unknown> = {};
    let gateway: TwilioGateway | undefined;

    const finish = (answer: Answer) => {
      const upstreamCalls = gateway?.upstreamCalls ?? 0;
      log().info('request_completed', { status: answer.status, durationMs: Date.now() - startedAt, upstreamCalls, ...logFields });
      respond(callback, {
        ...answer,
        headers: { ...safeHeaders(() => headers(requestHeaders, config)), ...answer.headers, 'X-Request-Id': requestId },
      });
    };
    const fail = (thrown: unknown) => {
      const error = asEnrichmentError(thrown);
      const write = error.status >= 500 ? log().error : log().warn;
      write('request_failed', { code: error.code, status: error.status, ...describeError(thrown), ...logFields });
      finish({ status: error.status, body: errorBody(error, requestId) });
    };

    try {
      if (malformedRequest) throw malformedRequest;
      config = configFrom(context as unknown as Record<string, unknown>);
      const configured = createLogger({ requestId, level: config.logLevel, secrets: config.secrets, base: { endpoint } });
      logger = configured;
      const deadline = Deadline.in(config.deadlineMs - ANSWER_RESERVE_MS);
      const settings = config;
      const invocation: Invocation = {
        event,
        headers: requestHeaders,
        requestId,
        startedAt,
        config: settings,
        logger: configured,
        deadline,
        logFields,
        gateway: () => (gateway ??= createGateway(context, settings, deadline, configured)),
      };
      const input = work.parse(event);
      const authorize = options.authorize ?? (async () => undefined);
      const answer = authorize(invocation).then(() => work.run(invocation, input));
      deadline.race(answer, 'the whole request').then(finish, fail);
    } catch (thrown) {
      fail(thrown);
    }
  };
}

function createGateway(context: Context, config: Config, deadline: Deadline, logger: Logger): TwilioGateway {
  const accountSid = (context as { ACCOUNT_SID?: unknown }).ACCOUNT_SID;
  if (typeof accountSid !== 'string' || !accountSid.startsWith('AC'))
    throw new EnrichmentError(
      'invalid_configuration',
      'ACCOUNT_SID and AUTH_TOKEN must be set: enable "Add my Twilio Credentials" on the Service.',
    );
  const http = new UpstreamHttpClient(transport(), {
    baseUrl: config.apiBaseUrl,
    policy: config,
    deadline,
    limit: concurrencyLimit(config),
    logger,
  });
  return new TwilioGateway(twilioClientFor(context, http, logger), http, accountSid);
}

function safeHeaders(build: () => Record<string, string>): Record<string, string> {
  try {
    return build();
  } catch {
    return {};
  }
}
