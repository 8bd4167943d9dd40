import type { Config } from './config';
import type { Deadline } from './deadline';
import type { Logger } from './logger';
import type { Event, RequestHeaders } from './request-input';
import type { TwilioGateway } from './twilio/twilio-gateway';
import type { WarmContainer } from './warm-container';

/**
 * What an endpoint's work is given and what it gives back. The callers
 * (src/core/callers) run every invocation through the same steps: request
 * id, configuration, logger, parse, authorize, run, respond.
 */

export interface Answer {
  status: number;
  body: object;
  headers?: Record<string, string>;
}

/** One invocation, as the work sees it. */
export interface Invocation {
  event: Event;
  /** The headers the runtime passed, checked by readRequestHeaders. */
  headers: RequestHeaders;
  requestId: string;
  startedAt: number;
  config: Config;
  /** Keys appended with `logger.appendKeys` are on every later line, the completion line included. */
  logger: Logger;
  deadline: Deadline;
  /** What the warm container keeps: the caches, the Twilio client. */
  container: WarmContainer;
  /** Built on first use, so input that fails validation costs no Twilio client. */
  gateway(): TwilioGateway;
}

/**
 * An endpoint's own logic: `parse` validates the input without any I/O (bad
 * input is answered before anything is sent to Twilio), `run` does the work.
 */
export interface Work<T> {
  parse(event: Event): T;
  run(invocation: Invocation, input: T): Promise<Answer>;
}
