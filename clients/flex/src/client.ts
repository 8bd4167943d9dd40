import { EnrichmentError, errorFromAnswer } from './errors.js';
import { SCHEMA_VERSION, type EnrichedInteraction } from './generated/enriched-interaction.js';
import { normalizeInclude, type Include } from './include.js';
import { isObject, parseJson } from './json.js';
import { RETRY_DEFAULTS, retryDelayMs, sleep, type RetryOptions } from './retry.js';
import { SharedRequests } from './shared-requests.js';
import { attributesOf, readSummary, summaryOf, type TaskEnrichmentSummary } from './task-summary.js';

export interface EnrichmentClientOptions {
  /** The Service's base URL (`https://<service>-1234.twil.io`, or `http://localhost:3000` locally): the client posts to its `/interaction`. */
  baseUrl: string;
  /**
   * The signed-in user's Flex token, asked for before each request (Flex renews it): in a plugin,
   * `manager.store.getState().flex.session.ssoTokenPayload.token` or `manager.user.token`.
   */
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /** How long an answer is reused for the same interaction, parts and transfer, in ms; 0 keeps none. Default 5000. */
  cacheTtlMs?: number;
  retry?: RetryOptions;
  /** The task attribute the webhook writes its summary under: the Service's WEBHOOK_WRITE_BACK_KEY. Default `enrichment`. */
  writeBackKey?: string;
  /** How old (by its `fetchedAt`) a summary in the task's attributes may be and still be used, in ms. Default 600000 (10 minutes). */
  taskSummaryMaxAgeMs?: number;
  /** The `fetch` to use; default the global one. */
  fetch?: typeof fetch;
}

export interface InteractionRequest {
  /** The parts to add (each costs the Service more Twilio calls); none by default. */
  include?: Include | undefined;
  /** A transfer of this interaction (UX...) to describe as `transfer`. */
  transferSid?: string | undefined;
  /** Skip every cache, this client's and the Service's, and read Twilio again. */
  fresh?: boolean | undefined;
  /** Stops waiting for this call: it rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** A Flex task, as `ITask` gives it: its attributes (an object, or JSON text). */
export interface TaskLike {
  attributes?: unknown;
}

export interface TaskSummaryRequest {
  signal?: AbortSignal | undefined;
  /** This call's own bound on the written summary's age, in ms, instead of the client's `taskSummaryMaxAgeMs`. */
  maxAgeMs?: number | undefined;
}

/** The task's summary: read from its attributes, or made from the endpoint's answer (then given whole as `interaction`). */
export type TaskEnrichment =
  | { source: 'task'; summary: TaskEnrichmentSummary }
  | { source: 'endpoint'; summary: TaskEnrichmentSummary; interaction: EnrichedInteraction };

export interface EnrichmentClient {
  /**
   * The enriched interaction. Calls for the same interaction, parts and transfer share one request while it is under
   * way and its answer for `cacheTtlMs`; the answer is the same object for all of them: do not change it.
   */
  getInteraction(interactionSid: string, request?: InteractionRequest): Promise<EnrichedInteraction>;
  /**
   * What the task card needs, from the summary the webhook wrote into the task's attributes when it is there and
   * younger than `taskSummaryMaxAgeMs`, else from the endpoint (without parts).
   */
  getTaskSummary(task: TaskLike, request?: TaskSummaryRequest): Promise<TaskEnrichment>;
}

const DEFAULTS = { cacheTtlMs: 5000, writeBackKey: 'enrichment', taskSummaryMaxAgeMs: 600_000 };

export function createEnrichmentClient(options: EnrichmentClientOptions): EnrichmentClient {
  const { cacheTtlMs, writeBackKey, taskSummaryMaxAgeMs } = options;
  const settings = { ...DEFAULTS, ...definedOnly({ cacheTtlMs, writeBackKey, taskSummaryMaxAgeMs }) };
  const retry = { ...RETRY_DEFAULTS, ...definedOnly(options.retry ?? {}) };
  checkAtLeast({ ...settings, ...retry }, ['cacheTtlMs', 'taskSummaryMaxAgeMs', 'maxTotalDelayMs', 'baseDelayMs'], 0);
  checkAtLeast(retry, ['maxAttempts'], 1);
  const endpoint = new URL('interaction', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).href;
  const fetchAnswer = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const shared = new SharedRequests<EnrichedInteraction>(settings.cacheTtlMs);

  async function token(): Promise<string> {
    const value = await options.getToken();
    if (typeof value !== 'string' || value.trim() === '')
      throw new EnrichmentError({ code: 'missing_token', status: 401, message: 'getToken gave no Flex token: is the user signed in?' });
    return value;
  }

  async function post(body: Record<string, unknown>, signal: AbortSignal): Promise<EnrichedInteraction> {
    let response: Response;
    let answer: unknown;
    try {
      response = await fetchAnswer(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      answer = parseJson(await response.text());
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new EnrichmentError({ code: 'network_error', status: null, message: `No answer from ${endpoint}: ${describe(error)}` });
    }
    if (!response.ok) throw errorFromAnswer(response, answer);
    if (!isPayload(answer)) {
      const version = isObject(answer) && isObject(answer.meta) ? answer.meta.schemaVersion : undefined;
      throw new EnrichmentError({
        code: 'unexpected_response',
        status: response.status,
        message:
          version === undefined
            ? `${endpoint} answered ${response.status} without an enriched interaction.`
            : `${endpoint} answers schemaVersion ${String(version)}; this client reads ${SCHEMA_VERSION}: update the client.`,
      });
    }
    return answer;
  }

  /** One request with its retries: once more after a refused token, and after rate limits and network errors within the bounds. */
  async function request(parameters: Record<string, unknown>, signal: AbortSignal): Promise<EnrichedInteraction> {
    let tokenRefreshed = false;
    let waited = 0;
    for (let attempt = 1; ;) {
      try {
        return await post({ Token: await token(), ...parameters }, signal);
      } catch (error) {
        if (!(error instanceof EnrichmentError)) throw error;
        if (error.code === 'invalid_token' && !tokenRefreshed) {
          tokenRefreshed = true;
          continue;
        }
        const delayMs = attempt < retry.maxAttempts ? retryDelayMs(error, attempt, retry, Math.random) : undefined;
        if (delayMs === undefined || waited + delayMs > retry.maxTotalDelayMs) throw error;
        await sleep(delayMs, signal);
        waited += delayMs;
        attempt += 1;
      }
    }
  }

  async function getInteraction(interactionSid: string, { include, transferSid, fresh, signal }: InteractionRequest = {}) {
    const parts = normalizeInclude(include).join(',');
    const parameters = {
      InteractionSid: interactionSid,
      include: parts,
      ...(transferSid ? { TransferSid: transferSid } : {}),
      ...(fresh ? { fresh: true } : {}),
    };
    const key = JSON.stringify([interactionSid, parts, transferSid ?? '']);
    return shared.get(key, (sharedSignal) => request(parameters, sharedSignal), { fresh, signal });
  }

  async function getTaskSummary(
    task: TaskLike,
    { signal, maxAgeMs = settings.taskSummaryMaxAgeMs }: TaskSummaryRequest = {},
  ): Promise<TaskEnrichment> {
    const attributes = attributesOf(task);
    const interactionSid = attributes.flexInteractionSid;
    if (typeof interactionSid !== 'string' || interactionSid === '')
      throw new EnrichmentError({
        code: 'missing_interaction_sid',
        status: 400,
        parameter: 'flexInteractionSid',
        message: 'The task is not a Flex interaction: its attributes carry no flexInteractionSid.',
      });
    const written = readSummary(attributes, settings.writeBackKey, interactionSid);
    // A clock behind the Service's makes a summary look younger than it is, never negative.
    if (written && Date.now() - Date.parse(written.fetchedAt) <= maxAgeMs) return { source: 'task', summary: written };
    const interaction = await getInteraction(interactionSid, { signal });
    return { source: 'endpoint', summary: summaryOf(interaction), interaction };
  }

  return { getInteraction, getTaskSummary };
}

/** The options given, without those set to undefined, so that defaults fill them. */
function definedOnly<T extends object>(given: T): Partial<T> {
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A setting that is not a number of at least `min` fails when the client is made, not at its first request. */
function checkAtLeast<K extends string>(settings: Record<K, number>, names: readonly K[], min: number): void {
  for (const name of names)
    if (typeof settings[name] !== 'number' || !(settings[name] >= min)) throw new TypeError(`${name} must be a number of at least ${min}.`);
}

function isPayload(value: unknown): value is EnrichedInteraction {
  return isObject(value) && isObject(value.meta) && value.meta.schemaVersion === SCHEMA_VERSION && isObject(value.interaction);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
