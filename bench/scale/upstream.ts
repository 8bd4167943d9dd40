/**
 * What the functions asked of Twilio during a row, from the emulator's request log: every attempt is logged, retries
 * and refusals included, with the operationId twilio-oai gives it. Products are read from the emulator's own route
 * table, so an operation it learns is counted where it belongs.
 */
import type { LoggedRequest } from '../../emulator/request-log';
import { apiRoutes } from '../../emulator/routes/api';
import { round } from '../support/stats';

const PRODUCT_OF = new Map<string, string>(apiRoutes.map((route) => [route.operationId, route.product]));

/** The Flex product's Interaction* operations: what Twilio's 20 requests/s per endpoint limit applies to. */
export function isInteractionsOperation(operationId: string): boolean {
  return PRODUCT_OF.get(operationId) === 'flex' && operationId.includes('Interaction');
}

/** An attempt that did what it was sent for: answered below 400, or a 404 (a resource that is gone is an answer). */
function succeeded(entry: LoggedRequest): boolean {
  return entry.status !== null && (entry.status < 400 || entry.status === 404);
}

export interface UpstreamFigures {
  interactions_calls_per_task: number;
  upstream_429_per_task: number;
  /** All attempts over those that succeeded: 1 when nothing was refused or retried. */
  attempts_per_success: number;
  iam_calls_per_task: number;
  sync_calls_per_task: number;
  upstream_calls_per_task: number;
  upstream_calls_per_task_by_operation: Record<string, number>;
}

export function upstreamFigures(entries: readonly LoggedRequest[], tasks: number): UpstreamFigures {
  const perTask = (n: number) => round(n / tasks, 3);
  const byProduct: Record<string, number> = {};
  const byOperation: Record<string, number> = {};
  for (const { operationId } of entries) {
    const product = PRODUCT_OF.get(operationId) ?? 'unknown';
    byProduct[product] = (byProduct[product] ?? 0) + 1;
    byOperation[operationId] = (byOperation[operationId] ?? 0) + 1;
  }
  const successes = entries.filter(succeeded).length;
  return {
    interactions_calls_per_task: perTask(entries.filter((e) => isInteractionsOperation(e.operationId)).length),
    upstream_429_per_task: perTask(entries.filter((e) => e.status === 429).length),
    attempts_per_success: successes === 0 ? NaN : round(entries.length / successes, 3),
    iam_calls_per_task: perTask(byProduct.iam ?? 0),
    sync_calls_per_task: perTask(byProduct.sync ?? 0),
    upstream_calls_per_task: perTask(entries.length),
    upstream_calls_per_task_by_operation: Object.fromEntries(
      Object.entries(byOperation)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, n]) => [operation, perTask(n)]),
    ),
  };
}
