import { enrichInteraction } from './enrichment-service';
import type { Invocation, Work } from './work';
import type { EnrichedInteraction, WriteBack } from './payload';
import { readEnrichmentRequest, readWebhookEvent, type EnrichmentRequest, type WebhookEvent } from './request-input';
import { writeBackSummary, writeBackToTask } from './task-write-back';
import { asEnrichmentError } from './errors';
import { changesInteraction } from './shared/interaction-events';
import { NO_SHARED_COPIES, SyncSharedCopies } from './shared/shared-copies';

/** The work behind every endpoint: read the request, enrich the interaction. */

async function enrichFor(invocation: Invocation, request: EnrichmentRequest): Promise<EnrichedInteraction> {
  invocation.logger.appendKeys({ interactionSid: request.interactionSid, include: request.include.join(',') });
  const gateway = invocation.gateway();
  const { sync } = invocation.config;
  const payload = await enrichInteraction({
    request,
    gateway,
    cache: invocation.container.enrichments,
    copies: sync
      ? new SyncSharedCopies(gateway, {
          serviceSid: sync.serviceSid,
          ttlSeconds: Math.max(1, Math.ceil(sync.staleMaxMs / 1000)),
          logger: invocation.logger,
        })
      : NO_SHARED_COPIES,
    config: invocation.config,
    deadline: invocation.deadline,
    requestId: invocation.requestId,
    startedAt: invocation.startedAt,
  });
  invocation.logger.appendKeys({ cache: payload.meta.cache, partial: payload.meta.partial });
  return payload;
}

export const enrichRequestedInteraction: Work<EnrichmentRequest> = {
  parse: readEnrichmentRequest,
  run: async (invocation, request) => ({ status: 200, body: await enrichFor(invocation, request) }),
};

export interface SkippedEvent {
  skipped: true;
  reason: string;
  eventType: string | null;
  taskSid: string | null;
  requestId: string;
}

export const enrichFromWebhook: Work<WebhookEvent> = {
  parse: readWebhookEvent,
  run: async (invocation, event) => {
    invocation.logger.appendKeys({ eventType: event.eventType });
    if (!event.interactionSid) {
      const skipped: SkippedEvent = {
        skipped: true,
        reason: 'The event carries no Flex Interaction SID (InteractionSid or TaskAttributes.flexInteractionSid).',
        eventType: event.eventType ?? null,
        taskSid: event.taskSid ?? null,
        requestId: invocation.requestId,
      };
      invocation.logger.appendKeys({ skipped: true });
      return { status: 200, body: skipped };
    }
    const { interactionSid, include, transferSid, fresh } = event;
    // With a shared copy, an event that changes the interaction refreshes it rather than reading it.
    const refresh = fresh || (invocation.config.sync !== null && changesInteraction(event.eventType));
    const payload = await enrichFor(invocation, { interactionSid, include, ...(transferSid ? { transferSid } : {}), fresh: refresh });
    if (!invocation.config.writeBack) return { status: 200, body: payload };
    return { status: 200, body: await withWriteBack(invocation, event, payload) };
  },
};

async function withWriteBack(invocation: Invocation, event: WebhookEvent, payload: EnrichedInteraction): Promise<EnrichedInteraction> {
  const taskSid = event.taskSid ?? payload.task?.sid ?? null;
  const workspaceSid = event.workspaceSid ?? payload.task?.workspaceSid ?? null;
  if (!taskSid || !workspaceSid) {
    return withWarning(payload, null, 'The event and the interaction name no task to write back to.');
  }
  try {
    const gateway = invocation.gateway();
    const deadline = invocation.deadline.forOptionalWork();
    const writeBack = await gateway.withDeadline(deadline, () =>
      writeBackToTask({
        gateway,
        workspaceSid,
        taskSid,
        key: invocation.config.writeBackKey,
        summary: writeBackSummary(payload),
        deadline,
      }),
    );
    invocation.logger.appendKeys({ writeBack: writeBack.outcome });
    const written = { ...payload, meta: { ...payload.meta, upstreamCalls: gateway.upstreamCalls }, writeBack };
    return ['gave_up', 'attributes_not_json', 'task_without_interaction', 'other_interaction'].includes(writeBack.outcome)
      ? withWarning(written, writeBack, `The enrichment was not written back to task ${taskSid}: ${writeBack.outcome}.`)
      : written;
  } catch (error) {
    invocation.logger.appendKeys({ writeBack: 'failed' });
    return withWarning(payload, null, `The enrichment was not written back: ${asEnrichmentError(error).message}`);
  }
}

function withWarning(payload: EnrichedInteraction, writeBack: WriteBack | null, message: string): EnrichedInteraction {
  return {
    ...payload,
    writeBack,
    meta: { ...payload.meta, partial: true, warnings: [...payload.meta.warnings, { code: 'write_back_failed', message }] },
  };
}
