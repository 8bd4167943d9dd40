/**
 * TaskRouter events after which an interaction reads differently (who is on
 * it, where its task stands, a transfer): the webhook that receives one
 * refreshes the shared copy instead of reading it. `task.created` is not one:
 * the task is created with the interaction, so a copy fetched since is as
 * new; nor are events about queues and workflows, which the payload does not
 * show until a reservation is accepted.
 */
const CHANGING_EVENTS = new Set([
  'reservation.accepted',
  'reservation.wrapup',
  'reservation.completed',
  'reservation.rescinded',
  'task.updated',
  'task.canceled',
  'task.wrapup',
  'task.completed',
  'task.deleted',
  'task.transfer-initiated',
  'task.transfer-attempt-failed',
  'task.transfer-completed',
  'task.transfer-failed',
  'task.transfer-canceled',
]);

export function changesInteraction(eventType: string | undefined): boolean {
  return eventType !== undefined && CHANGING_EVENTS.has(eventType);
}
