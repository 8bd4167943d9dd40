import type { Context, ServerlessCallback, ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import type * as NodeCrypto from 'node:crypto';
import type { Config } from '../config';
import { secretsIn } from '../config';
import { Deadline } from '../deadline';
import { asEnrichmentError, EnrichmentError, errorBody, errorHeaders } from '../errors';
import { createLogger, describeError, type Logger } from '../logger';
import { onFirstUse } from '../on-first-use';
import { callerRequestId, readRequestHeaders, type Event, type RequestHeaders } from '../request-input';
import { TwilioGateway } from '../twilio/twilio-gateway';
import type { CallScope } from '../twilio/upstream-http-client';
import { warmContainer, type WarmContainer } from '../warm-container';
import type { Answer, Invocation, Work } from '../work';
import { respond } from './respond';

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

/**
 * Every invocation, whatever the caller, goes through the same steps:
 * request id → configuration (the warm container) → logger → parse →
 * authorize → run → respond. A failure at any step is answered by the one
 * error mapping, with the headers the caller kind adds.
 */
export function invocationHandler<T>(endpoint: string, work: Work<T>, options: CallerOptions = {}): ServerlessFunctionSignature {
  const callerHeaders = options.headers ?? (() => ({}));
  const authorize = options.authorize ?? (async () => undefined);
  return (context: Context, rawEvent: unknown, callback: ServerlessCallback) => {
    const startedAt = Date.now();
    const event: Event = typeof rawEvent === 'object' && rawEvent !== null ? (rawEvent as Event) : {};
    const env = context as unknown as Record<string, unknown>;

    // 1. The request id, from headers only once they are known to be the runtime's.
    const { headers, refusal } = headersOf(event);
    const requestId = requestIdFrom(headers);
    let configured: Logger | undefined;
    // Until the configuration is read (or when it is invalid): info level, and the secrets still redacted.
    const log = () => (configured ??= createLogger({ requestId, level: 'info', secrets: secretsIn(env), base: { endpoint } }));
    let config: Config | undefined;
    let scope: CallScope | undefined;

    const finish = (answer: Answer) => {
      log().info('request_completed', {
        status: answer.status,
        durationMs: Date.now() - startedAt,
        upstreamCalls: scope?.attempts.count ?? 0,
      });
      respond(callback, {
        ...answer,
        headers: { ...safeHeaders(() => callerHeaders(headers, config)), ...answer.headers, 'X-Request-Id': requestId },
      });
    };
    const fail = (thrown: unknown) => {
      const error = asEnrichmentError(thrown);
      const write = error.status >= 500 ? log().error : log().warn;
      write('request_failed', { code: error.code, status: error.status, ...describeError(thrown) });
      finish({ status: error.status, body: errorBody(error, requestId), headers: errorHeaders(error) });
    };

    try {
      if (refusal) throw refusal;
      // 2. The configuration, with everything the warm container keeps.
      const container = warmContainer(env);
      config = container.config;
      // 3. The logger at the configured level.
      const logger = (configured = createLogger({ requestId, level: config.logLevel, secrets: config.secrets, base: { endpoint } }));
      const deadline = Deadline.in(config.deadlineMs - ANSWER_RESERVE_MS);
      const callScope: CallScope = { deadline, logger, attempts: { count: 0 } };
      scope = callScope;
      let gateway: TwilioGateway | undefined;
      const invocation: Invocation = {
        event,
        headers,
        requestId,
        startedAt,
        config,
        logger,
        deadline,
        container,
        gateway: () => (gateway ??= gatewayFor(context, container, callScope)),
      };
      // 4. Parse, before any I/O.
      const input = work.parse(event);
      // 5-6. Authorize, then run, with every Twilio request in this invocation's scope.
      const answer = container.http.within(callScope, () => authorize(invocation).then(() => work.run(invocation, input)));
      // 7. Respond, within the deadline.
      deadline.race(answer, 'the whole request').then(finish, fail);
    } catch (thrown) {
      fail(thrown);
    }
  };
}

/** The runtime's headers, or the refusal of an event whose `request` is not the runtime's; until checked, no header is trusted. */
function headersOf(event: Event): { headers: RequestHeaders; refusal?: unknown } {
  try {
    return { headers: readRequestHeaders(event) };
  } catch (refusal) {
    return { headers: {}, refusal };
  }
}

function requestIdFrom(headers: RequestHeaders): string {
  return callerRequestId(headers['x-request-id']) ?? nodeCrypto().randomUUID();
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto = onFirstUse(() => require('node:crypto') as typeof NodeCrypto);

function gatewayFor(context: Context, container: WarmContainer, scope: CallScope): TwilioGateway {
  const accountSid = (context as { ACCOUNT_SID?: unknown }).ACCOUNT_SID;
  if (typeof accountSid !== 'string' || !accountSid.startsWith('AC'))
    throw new EnrichmentError(
      'invalid_configuration',
      'ACCOUNT_SID and AUTH_TOKEN must be set: enable "Add my Twilio Credentials" on the Service.',
    );
  return new TwilioGateway(container.twilioClient(context, scope.logger), container.http, accountSid, scope.attempts);
}

function safeHeaders(build: () => Record<string, string>): Record<string, string> {
  try {
    return build();
  } catch {
    return {};
  }
}
