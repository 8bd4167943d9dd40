import type { Context } from '@twilio-labs/serverless-runtime-types/types';
import type { Twilio } from 'twilio';
import { EnrichmentError } from '../errors';
import type { Logger } from '../logger';

/**
 * Builds the Twilio client an invocation uses, with the project's http client
 * (retries, the deadline, the concurrency limit and the emulator switch all
 * live there). `context.getTwilioClient()` is the runtime's own code once
 * deployed, and nothing here can show that it hands `httpClient` on; so the
 * first client of a container is checked, and if the runtime dropped the http
 * client, this container builds its clients from the project's own twilio
 * with the same credentials and options from then on, and says so once.
 */

type ClientOptions = { httpClient: unknown; autoRetry: false; lazyLoading: true };
type ClientFactory = (options: ClientOptions) => Twilio;
type TwilioConstructor = (accountSid: string, authToken: string, options: ClientOptions) => Twilio;

/** What this container learnt from its first client: whether the runtime's client keeps our http client. */
let runtimeKeepsHttpClient: boolean | undefined;

export function twilioClientFor(context: Context, httpClient: unknown, logger: Logger): Twilio {
  const options: ClientOptions = { httpClient, autoRetry: false, lazyLoading: true };
  if (runtimeKeepsHttpClient === false) return ownClient(context, options);
  let client: Twilio;
  try {
    // The runtime's types describe another twilio version's client; the one it builds is ours.
    client = (context.getTwilioClient as unknown as ClientFactory)(options);
  } catch {
    throw clientFailure();
  }
  if (runtimeKeepsHttpClient === undefined) {
    runtimeKeepsHttpClient = (client as { httpClient?: unknown }).httpClient === httpClient;
    if (!runtimeKeepsHttpClient) {
      logger.warn('twilio_client_rebuilt', {
        reason: "context.getTwilioClient() did not use the project's http client; this container builds its own Twilio client",
      });
      return ownClient(context, options);
    }
  }
  return client;
}

function ownClient(context: Context, options: ClientOptions): Twilio {
  const { ACCOUNT_SID: accountSid, AUTH_TOKEN: authToken } = context as unknown as Record<string, unknown>;
  if (typeof accountSid !== 'string' || typeof authToken !== 'string' || authToken === '') throw clientFailure();
  // Loaded here, on first use, like the transport: requiring twilio costs far more than the bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const twilio = require('twilio') as TwilioConstructor;
  try {
    return twilio(accountSid, authToken, options);
  } catch {
    throw clientFailure();
  }
}

function clientFailure(): EnrichmentError {
  return new EnrichmentError('invalid_configuration', 'The Twilio client could not be created: check ACCOUNT_SID and AUTH_TOKEN.');
}

/** For tests: forget what the first client showed, as a new container would. */
export function resetClientCheck(): void {
  runtimeKeepsHttpClient = undefined;
}
