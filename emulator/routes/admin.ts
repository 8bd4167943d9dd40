import { faultConfigSchema, NO_FAULTS, type FaultConfig } from '../faults';
import { rateLimitsSchema, type RateLimiter, type RateLimits } from '../rate-limits';
import type { RequestLog } from '../request-log';
import type { SeededInteraction } from '../seed';
import { deployedView } from '../serverless/representations';
import type { Store } from '../store';
import type { ApiRequest, ApiResult, Method } from './route';

/** The running emulator, as the admin routes (and server.ts) act on it. */
export interface EmulatorState {
  /** The model; reset swaps in a fresh one. */
  store: Store;
  faults: FaultConfig;
  /** Twilio's rate limits, when on; its buckets. */
  readonly rateLimiter: RateLimiter;
  /** The rate limits the emulator started with, which reset restores. */
  readonly rateLimitsAtStart: RateLimits | null;
  /** API requests being answered now. */
  inFlight: number;
  readonly requestLog: RequestLog;
  readonly seeded: SeededInteraction[];
  /** A new store built from the seed file, as at start. */
  readonly storeFromSeed: () => Store;
}

/**
 * One emulator-only route: never on Twilio, no credentials. Its path is under /__emulator/, where
 * local-only.ts checks Host and Origin; its body, when it takes one, is checked against `body` as sent.
 */
export interface AdminRoute {
  method: Method | 'PUT';
  path: string;
  body?: object;
  handle: (request: ApiRequest, emulator: EmulatorState) => ApiResult;
}

const NO_CONTENT: ApiResult = { status: 204, body: undefined };

const flexTokenRequest = {
  type: 'object',
  additionalProperties: false,
  properties: {
    identity: { type: 'string', minLength: 1, maxLength: 256 },
    worker_sid: { type: ['string', 'null'], pattern: '^WK[0-9a-fA-F]{32}$' },
    roles: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 20 },
    ttl_seconds: { type: 'integer', minimum: -86400, maximum: 86400 },
  },
};

const buildFailureRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
};

/** The emulator-only routes, as emulator/README.md lists them. */
export const adminRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/__emulator/health',
    handle: (_request, emulator) => ({ body: { ok: true, inFlight: emulator.inFlight } }),
  },
  {
    method: 'GET',
    path: '/__emulator/interactions',
    handle: (_request, emulator) => ({ body: { interactions: emulator.seeded } }),
  },
  {
    method: 'GET',
    path: '/__emulator/requests',
    handle: ({ query }, emulator) => {
      const since = Number(query.since ?? 0);
      return { body: { requests: emulator.requestLog.list(Number.isFinite(since) ? since : 0), lastSeq: emulator.requestLog.lastSeq } };
    },
  },
  {
    method: 'DELETE',
    path: '/__emulator/requests',
    handle: (_request, emulator) => {
      emulator.requestLog.clear();
      return NO_CONTENT;
    },
  },
  {
    method: 'GET',
    path: '/__emulator/faults',
    handle: (_request, emulator) => ({ body: emulator.faults }),
  },
  {
    method: 'PUT',
    path: '/__emulator/faults',
    body: faultConfigSchema,
    handle: ({ body }, emulator) => {
      emulator.faults = body as unknown as FaultConfig;
      return { body: emulator.faults };
    },
  },
  {
    method: 'DELETE',
    path: '/__emulator/faults',
    handle: (_request, emulator) => {
      emulator.faults = NO_FAULTS;
      return NO_CONTENT;
    },
  },
  {
    method: 'GET',
    path: '/__emulator/rate-limits',
    handle: (_request, { rateLimiter }) => ({ body: { rateLimits: rateLimiter.limits } }),
  },
  {
    method: 'PUT',
    path: '/__emulator/rate-limits',
    body: rateLimitsSchema,
    handle: ({ body }, { rateLimiter }) => {
      rateLimiter.limits = body as unknown as RateLimits;
      return { body: { rateLimits: rateLimiter.limits } };
    },
  },
  {
    method: 'DELETE',
    path: '/__emulator/rate-limits',
    handle: (_request, { rateLimiter }) => {
      rateLimiter.limits = null;
      return NO_CONTENT;
    },
  },
  {
    method: 'POST',
    path: '/__emulator/flex-tokens',
    body: flexTokenRequest,
    handle: ({ body }, { store }) => {
      const request = body as { identity?: string; worker_sid?: string | null; roles?: string[]; ttl_seconds?: number };
      const worker = request.worker_sid ? store.find('worker', request.worker_sid) : store.workers()[0];
      const record = store.mintFlexToken({
        identity: request.identity ?? worker?.identity ?? 'local.developer',
        workerSid: request.worker_sid === null ? null : (worker?.sid ?? null),
        roles: request.roles ?? worker?.roles ?? ['agent'],
        ...(request.ttl_seconds !== undefined ? { ttlSeconds: request.ttl_seconds } : {}),
      });
      return {
        status: 201,
        body: {
          token: record.token,
          identity: record.identity,
          worker_sid: record.workerSid,
          roles: record.roles,
          expiration: new Date(record.expiresAt).toISOString(),
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/__emulator/serverless/services',
    handle: (_request, { store }) => ({ body: deployedView(store.serverless) }),
  },
  {
    method: 'PUT',
    path: '/__emulator/serverless/next-build-failure',
    body: buildFailureRequest,
    handle: ({ body }, { store }) => {
      store.serverless.failNextBuild((body as { reason: string }).reason);
      return { body: { reason: store.serverless.nextBuildFailure } };
    },
  },
  {
    method: 'DELETE',
    path: '/__emulator/serverless/next-build-failure',
    handle: (_request, { store }) => {
      store.serverless.cancelNextBuildFailure();
      return NO_CONTENT;
    },
  },
  {
    method: 'POST',
    path: '/__emulator/reset',
    handle: (_request, emulator) => {
      emulator.store = emulator.storeFromSeed();
      emulator.faults = NO_FAULTS;
      emulator.rateLimiter.limits = emulator.rateLimitsAtStart;
      emulator.requestLog.clear();
      return NO_CONTENT;
    },
  },
];
