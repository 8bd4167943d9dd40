import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { decide, nextPageUrlFor, NO_FAULTS, type FaultConfig } from './faults';
import { installLocalOnly } from './local-only';
import { RateLimiter, type RateLimits, type Refusal } from './rate-limits';
import { HOSTS, type Product } from './representations';
import { RequestLog, type LoggedRequest } from './request-log';
import { adminRoutes, type EmulatorState } from './routes/admin';
import { apiRoutes } from './routes/api';
import { checkPathSids, type ApiRequest, type ApiResult, type ApiRoute, type Method } from './routes/route';
import { readSeedFile, seededInteractions, storeFromSeed, type SeededInteraction, type SeedFile } from './seed';
import { DEFAULT_BUILD_MS, MAX_VERSION_BYTES } from './serverless/model';
import type { Store } from './store';
import { errors, TwilioApiError } from './twilio-error';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4010;
/** Placeholder credentials: 32 characters, as the Twilio runtime checks an auth token's length. */
export const DEFAULT_AUTH_TOKEN = 'emulator-auth-token-000000000000';
export const DEFAULT_API_KEY = { sid: 'SK00000000000000000000000000000001', secret: 'emulator-api-key-secret' };

export interface EmulatorOptions {
  host?: string;
  port?: number;
  seedFile?: string;
  authToken?: string;
  apiKey?: { sid: string; secret: string };
  faults?: FaultConfig;
  /**
   * Origins of the web pages allowed to call the emulator-only routes from a browser (npm start's
   * console, e.g. http://localhost:3000); none by default. See emulator/local-only.ts.
   */
  consoleOrigins?: string[];
  /** How long a Serverless build stays `building` before it completes or fails (default 300 ms). */
  serverlessBuildMs?: number;
  /**
   * Twilio's rate limits (`TWILIO_RATE_LIMITS` in rate-limits.ts), or other figures; off when null or absent.
   * `PUT /__emulator/rate-limits` changes them while it runs.
   */
  rateLimits?: RateLimits | null;
  /** The emulator's clock in milliseconds (default Date.now): records' dates and rate limits. Tests may drive it. */
  now?: () => number;
}

export interface RunningEmulator {
  url: string;
  accountSid: string;
  authToken: string;
  apiKey: { sid: string; secret: string };
  seeded: SeededInteraction[];
  readonly store: Store;
  requestLog: RequestLog;
  faults: FaultConfig;
  /** The rate limits in force (null: off); setting them refills every bucket. */
  rateLimits: RateLimits | null;
  close(): Promise<void>;
}

const ALL_METHODS: Method[] = ['GET', 'POST', 'DELETE'];
const OTHER_METHODS = ['PUT', 'PATCH'] as const;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operations this method and path serve: one, or one per product where Twilio's hosts share a path. */
    api?: readonly ApiRoute[];
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seedFile = readSeedFile(options.seedFile);
  const now = options.now ?? Date.now;
  const newStore = (seed: SeedFile) => {
    const store = storeFromSeed(seed, now);
    store.serverless.buildMs = options.serverlessBuildMs ?? DEFAULT_BUILD_MS;
    return store;
  };
  const state: EmulatorState = {
    store: newStore(seedFile),
    faults: options.faults ?? NO_FAULTS,
    rateLimiter: new RateLimiter(options.rateLimits ?? null, now),
    rateLimitsAtStart: options.rateLimits ?? null,
    inFlight: 0,
    requestLog: new RequestLog(),
    seeded: seededInteractions(seedFile),
    storeFromSeed: () => newStore(readSeedFile(options.seedFile)),
  };
  const credentials = {
    accountSid: seedFile.accountSid,
    authToken: options.authToken ?? DEFAULT_AUTH_TOKEN,
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
  };
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    // Admin input is validated as sent: no coercion, no silently dropped properties.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  await app.register(formbody);
  installErrorHandling(app);
  const host = options.host ?? DEFAULT_HOST;
  installLocalOnly(app, { listeningHost: host, consoleOrigins: options.consoleOrigins ?? [] });
  installApiHooks(app, state, credentials);
  await registerApiRoutes(app, state);
  registerAdminRoutes(app, state);

  await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    ...credentials,
    seeded: state.seeded,
    get store() {
      return state.store;
    },
    requestLog: state.requestLog,
    get faults() {
      return state.faults;
    },
    set faults(config: FaultConfig) {
      state.faults = config;
    },
    get rateLimits() {
      return state.rateLimiter.limits;
    },
    set rateLimits(limits: RateLimits | null) {
      state.rateLimiter.limits = limits;
    },
    close: () => app.close(),
  };
}

type Credentials = { accountSid: string; authToken: string; apiKey: { sid: string; secret: string } };

/**
 * Every Twilio operation. Uploads (multipart/form-data) are served from their
 * own plugin context, so the multipart parser and its size limit apply to
 * them alone; elsewhere multipart stays a 415 as before.
 */
async function registerApiRoutes(app: FastifyInstance, state: EmulatorState): Promise<void> {
  registerPaths(
    app,
    apiRoutes.filter((route) => route.body !== 'multipart'),
    state,
  );
  await app.register(async (uploads) => {
    await uploads.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_VERSION_BYTES, files: 1, fields: 10, parts: 11 },
    });
    // A body busboy cannot read is the client's fault: a 400, not a 500.
    uploads.setErrorHandler((error: unknown, _request, reply: FastifyReply) => {
      const labelled = error instanceof TwilioApiError || typeof (error as { statusCode?: unknown }).statusCode === 'number';
      sendTwilioError(reply, labelled ? error : errors.badRequest(`Bad Request: ${(error as Error).message}`));
    });
    registerPaths(
      uploads,
      apiRoutes.filter((route) => route.body === 'multipart'),
      state,
    );
  });
}

/**
 * Each path's operations, plus a 405 for the methods the path does not serve (Twilio's code 20004). Where two
 * products serve one method and path (Serverless's and Sync's `/v1/Services`), the request's host picks one.
 */
function registerPaths(app: FastifyInstance, operations: ApiRoute[], state: EmulatorState): void {
  const byPath = new Map<string, ApiRoute[]>();
  for (const route of operations) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);

  for (const [path, routes] of byPath) {
    for (const method of new Set(routes.map((r) => r.method))) {
      app.route({
        method,
        url: path,
        config: { api: routes.filter((r) => r.method === method) },
        handler: async (request, reply) => {
          const route = operationOf(request)!;
          const apiRequest = requestFor(request);
          checkPathSids(route, apiRequest);
          return send(reply, withNextPageFault(request, route.handle(apiRequest, state.store), state.faults));
        },
      });
    }
    const served = new Set(routes.map((r) => r.method));
    for (const method of [...ALL_METHODS.filter((m) => !served.has(m)), ...OTHER_METHODS]) {
      app.route({
        method,
        url: path,
        config: { api: [routes[0]!] },
        handler: async (request) => {
          throw errors.methodNotAllowed(request.method);
        },
      });
    }
  }
}

/** The emulator-only routes: no faults, no credentials, not logged; their input checked against their schema. */
function registerAdminRoutes(app: FastifyInstance, state: EmulatorState): void {
  for (const route of adminRoutes) {
    app.route({
      method: route.method,
      url: route.path,
      ...(route.body ? { schema: { body: route.body } } : {}),
      handler: async (request, reply) => send(reply, route.handle(requestFor(request), state)),
    });
  }
}

/** The `nextPageUrl` fault: a list page (an answer with `meta`) names that URL as its next page. */
function withNextPageFault(request: FastifyRequest, result: ApiResult, faults: FaultConfig): ApiResult {
  const url = nextPageUrlFor(faults, operationOf(request)!.operationId);
  const body = result.body as { meta?: unknown } | undefined;
  if (url === null || typeof body?.meta !== 'object' || body.meta === null) return result;
  const seen = requestState.get(request);
  if (seen) seen.fault = 'next_page';
  return { ...result, body: { ...body, meta: { ...body.meta, next_page_url: url } } };
}

function requestFor(request: FastifyRequest): ApiRequest {
  return {
    path: request.url.split('?')[0]!,
    params: request.params as Record<string, string>,
    query: (request.query ?? {}) as Record<string, unknown>,
    body: bodyObject(request.body),
    headers: request.headers,
  };
}

function send(reply: FastifyReply, result: ApiResult) {
  void reply.code(result.status ?? 200).headers(result.headers ?? {});
  return result.body === undefined ? reply.send() : result.body;
}

function bodyObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

type Fault = LoggedRequest['fault'];
const requestState = new WeakMap<FastifyRequest, { started: number; fault: Fault; warning: number | null; logged: boolean }>();

/**
 * The operation an API request is for: of those its method and path serve, the one of the product the redirecting
 * client names in X-Forwarded-Host, else the first (checkHost then answers a host that none of them is on).
 */
function operationOf(request: FastifyRequest): ApiRoute | undefined {
  const candidates = request.routeOptions.config.api;
  if (!candidates || candidates.length < 2) return candidates?.[0];
  const forwarded = headerValue(request.headers['x-forwarded-host']);
  return candidates.find((route) => forwarded !== undefined && sameProduct(forwarded, HOSTS[route.product])) ?? candidates[0];
}

/**
 * Faults, the in-flight cap, the original host, Basic auth, rate limits and
 * the request log, for API routes only. A request is logged as its answer is
 * sent (or as it starts to hang, or as its client gives up waiting), so a test
 * that has its answer can already count it.
 */
function installApiHooks(app: FastifyInstance, state: EmulatorState, credentials: Credentials): void {
  const record = (request: FastifyRequest, status: number | null) => {
    const route = operationOf(request);
    const seen = requestState.get(request);
    if (!route || !seen || seen.logged) return;
    seen.logged = true;
    const queryAt = request.url.indexOf('?');
    state.requestLog.add({
      at: new Date().toISOString(),
      method: request.method,
      path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
      query: queryAt < 0 ? '' : request.url.slice(queryAt + 1),
      host: headerValue(request.headers['x-forwarded-host']) ?? null,
      operationId: route.operationId,
      status,
      durationMs: Math.round((performance.now() - seen.started) * 100) / 100,
      fault: seen.fault,
      warning: seen.warning,
    });
  };

  app.addHook('onRequest', async (request, reply) => {
    const route = operationOf(request);
    if (!route) return;
    const seen = { started: performance.now(), fault: null as Fault, warning: null, logged: false };
    requestState.set(request, seen);
    state.inFlight += 1;
    reply.raw.once('close', () => {
      state.inFlight -= 1;
      // A client that gave up during added latency still made the call.
      record(request, null);
    });

    const cap = state.faults.maxInFlight;
    if (cap && state.inFlight > cap) {
      seen.fault = 'cap';
      throw errors.tooManyRequests();
    }
    const decision = decide(state.faults, route.operationId);
    if (decision.latencyMs > 0) {
      seen.fault = 'latency';
      await sleep(decision.latencyMs);
    }
    if (decision.outcome === 'hang') {
      seen.fault = 'hang';
      record(request, null);
      reply.hijack();
      return;
    }
    if (decision.outcome !== 'pass') {
      seen.fault = 'error';
      throw decision.outcome === 429 ? errors.tooManyRequests() : errors.serverError(decision.outcome);
    }
    checkHost(route.product, request);
    authenticate(request, credentials);
  });

  // Once the caller is known and its body read; a method the path does not serve is no operation's request.
  app.addHook('preHandler', async (request) => {
    const route = operationOf(request);
    const seen = requestState.get(request);
    if (!route || !seen || request.method !== route.method) return;
    const refusal = rateLimitRefusal(route, request, state, credentials.accountSid);
    if (!refusal) return;
    seen.fault = 'rate_limit';
    seen.warning = refusal.warning;
    throw refusal.error;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    record(request, reply.statusCode);
    return payload;
  });
}

/** Twilio's limits: per account and operation for Flex Interactions, per object for Sync's reads and writes. */
function rateLimitRefusal(route: ApiRoute, request: FastifyRequest, state: EmulatorState, accountSid: string): Refusal | null {
  if (route.product === 'flex') return state.rateLimiter.interactions(accountSid, route.operationId);
  if (!route.syncAccess || !state.rateLimiter.limits) return null;
  const object = route.syncAccess.object(requestFor(request), state.store);
  return object === undefined ? null : state.rateLimiter.syncObject(object, route.syncAccess.kind);
}

/** Two hosts of the same Twilio product (`sync.twilio.com`, `sync.twilio.com:443`): their first labels agree. */
function sameProduct(host: string, other: string): boolean {
  const productOf = (name: string) => name.toLowerCase().split('.')[0];
  return productOf(host) === productOf(other);
}

/** The redirecting client names the Twilio host it meant; a route of another product is a 404 there. */
function checkHost(product: Product, request: FastifyRequest): void {
  const forwarded = headerValue(request.headers['x-forwarded-host']);
  if (forwarded !== undefined && !sameProduct(forwarded, HOSTS[product])) throw errors.notFound(request.url.split('?')[0]!);
}

function authenticate(request: FastifyRequest, credentials: Credentials): void {
  const header = request.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!match) throw errors.authenticate();
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const username = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  const ok =
    separator > 0 &&
    ((username === credentials.accountSid && password === credentials.authToken) ||
      (username === credentials.apiKey.sid && password === credentials.apiKey.secret));
  if (!ok) throw errors.authenticate();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, _request, reply: FastifyReply) => sendTwilioError(reply, error));
  app.setNotFoundHandler((request, reply) => {
    const error = errors.notFound(request.url.split('?')[0]!);
    void reply.code(404).send(error.body);
  });
}

function sendTwilioError(reply: FastifyReply, error: unknown): void {
  const twilioError = asTwilioError(error);
  void reply.code(twilioError.status).headers(twilioError.headers).send(twilioError.body);
}

/** Maps fastify's own rejections (bad JSON, wrong media type, oversized body) to Twilio's error body. */
function asTwilioError(error: unknown): TwilioApiError {
  if (error instanceof TwilioApiError) return error;
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  const status = fastifyError.statusCode ?? 500;
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.unsupportedMediaType('');
  if (status === 413) return new TwilioApiError(413, 20413, 'Request Entity Too Large');
  if (status >= 400 && status < 500) return errors.badRequest(`Bad Request: ${fastifyError.message ?? 'malformed request'}`);
  return errors.serverError(500);
}
