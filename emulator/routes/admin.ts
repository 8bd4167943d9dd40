import type { FastifyInstance } from 'fastify';
import { faultConfigSchema, NO_FAULTS, type FaultConfig } from '../faults';
import type { RequestLog } from '../request-log';
import { seededInteractions, type SeedFile } from '../seed';
import { deployedView } from '../serverless/representations';
import type { Store } from '../store';

/** The running emulator's state: the model, the faults in force, and the API requests in flight. */
export type EmulatorState = { store: Store; faults: FaultConfig; inFlight: number };

export function registerAdminRoutes(
  app: FastifyInstance,
  state: EmulatorState,
  seedFile: SeedFile,
  log: RequestLog,
  newStore: () => Store,
): void {
  app.get('/__emulator/health', async () => ({ ok: true, inFlight: state.inFlight }));
  app.get('/__emulator/interactions', async () => ({ interactions: seededInteractions(seedFile) }));

  app.get('/__emulator/requests', async (request) => {
    const since = Number((request.query as { since?: string }).since ?? 0);
    return { requests: log.list(Number.isFinite(since) ? since : 0), lastSeq: log.lastSeq };
  });
  app.delete('/__emulator/requests', async (_request, reply) => {
    log.clear();
    return reply.code(204).send();
  });

  app.get('/__emulator/faults', async () => state.faults);
  app.put('/__emulator/faults', { schema: { body: faultConfigSchema } }, async (request) => {
    state.faults = request.body as FaultConfig;
    return state.faults;
  });
  app.delete('/__emulator/faults', async (_request, reply) => {
    state.faults = NO_FAULTS;
    return reply.code(204).send();
  });

  app.post(
    '/__emulator/flex-tokens',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            identity: { type: 'string', minLength: 1, maxLength: 256 },
            worker_sid: { type: ['string', 'null'], pattern: '^WK[0-9a-fA-F]{32}$' },
            roles: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 20 },
            ttl_seconds: { type: 'integer', minimum: -86400, maximum: 86400 },
          },
        },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as { identity?: string; worker_sid?: string | null; roles?: string[]; ttl_seconds?: number };
      const worker = body.worker_sid ? state.store.workers.get(body.worker_sid) : [...state.store.workers.values()][0];
      const record = state.store.mintFlexToken({
        identity: body.identity ?? worker?.identity ?? 'local.developer',
        workerSid: body.worker_sid === null ? null : (worker?.sid ?? null),
        roles: body.roles ?? worker?.roles ?? ['agent'],
        ...(body.ttl_seconds !== undefined ? { ttlSeconds: body.ttl_seconds } : {}),
      });
      return reply.code(201).send({
        token: record.token,
        identity: record.identity,
        worker_sid: record.workerSid,
        roles: record.roles,
        expiration: new Date(record.expiresAt).toISOString(),
      });
    },
  );

  app.get('/__emulator/serverless/services', async () => deployedView(state.store.serverless));
  app.put(
    '/__emulator/serverless/next-build-failure',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
      },
    },
    async (request) => {
      state.store.serverless.nextBuildFailure = (request.body as { reason: string }).reason;
      return { reason: state.store.serverless.nextBuildFailure };
    },
  );
  app.delete('/__emulator/serverless/next-build-failure', async (_request, reply) => {
    state.store.serverless.nextBuildFailure = null;
    return reply.code(204).send();
  });

  app.post('/__emulator/reset', async (_request, reply) => {
    state.store = newStore();
    state.faults = NO_FAULTS;
    log.clear();
    return reply.code(204).send();
  });
}
