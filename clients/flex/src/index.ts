export {
  createEnrichmentClient,
  type EnrichmentClient,
  type EnrichmentClientOptions,
  type InteractionRequest,
  type TaskEnrichment,
  type TaskLike,
  type TaskSummaryRequest,
} from './client.js';
export { EnrichmentError, type ClientErrorCode, type EnrichmentErrorCode, type ServerErrorCode } from './errors.js';
export type { Include, IncludePart } from './include.js';
export type { RetryOptions } from './retry.js';
export type { TaskEnrichmentSummary } from './task-summary.js';
export type * from './generated/enriched-interaction.js';
