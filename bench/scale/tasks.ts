/**
 * The task model as a schedule: every request of one row (one strategy, one arrival rate, one number of viewers),
 * when it is due, which container it goes to and what it sends. Pure: the same scenario and fixtures give the same
 * requests, so the two strategies of a row are sent the same picks.
 */
import type { Caller, Scenario, Strategy } from './scenario';

/** What one task's callers need to know of it: made before the row, one interaction each. */
export interface TaskFixture {
  interactionSid: string;
  taskSid: string;
  workspaceSid: string;
}

export interface PlannedRequest {
  /** Due this many ms after the row starts; latency is measured from here. */
  atMs: number;
  task: number;
  caller: Caller;
  /** Index of the container (of the strategy's) it goes to. */
  container: number;
  path: string;
  contentType: 'application/x-www-form-urlencoded' | 'application/json';
  body: string;
  /** Due within the measured window. */
  measured: boolean;
}

export interface RowPlan {
  tasksPerSecond: number;
  viewers: number;
  /** Tasks that arrive in the measured window: the denominator of every "per task" figure. */
  measuredTasks: number;
  /** Ordered by `atMs`. */
  requests: PlannedRequest[];
}

/** How many tasks (and so interactions) a row needs: arrivals through the warm-up and the window. */
export function tasksNeeded(scenario: Scenario, tasksPerSecond: number): number {
  return Math.round(tasksPerSecond * (scenario.warmupSeconds + scenario.windowSeconds));
}

export function planRow(options: {
  scenario: Scenario;
  strategy: Strategy;
  /** True for the docs pattern, whose one function reads InteractionSid from every caller. */
  sendsInteractionSidEverywhere: boolean;
  tasksPerSecond: number;
  viewers: number;
  tasks: readonly TaskFixture[];
  /** The agents' Flex tokens. */
  tokens: readonly string[];
  /** Wall-clock time the row starts, for the webhook's Timestamp. */
  startEpochMs: number;
}): RowPlan {
  const { scenario, strategy, tasksPerSecond, viewers, tasks, tokens } = options;
  const count = tasksNeeded(scenario, tasksPerSecond);
  if (tasks.length < count) throw new Error(`a row at ${tasksPerSecond} tasks/s needs ${count} interactions, got ${tasks.length}`);
  if (tokens.length === 0) throw new Error('no Flex tokens for the views');
  const windowStartMs = scenario.warmupSeconds * 1000;
  const windowEndMs = windowStartMs + scenario.windowSeconds * 1000;
  const random = seededRandom(scenario.randomSeed * 1_000_003 + tasksPerSecond * 1000 + viewers);
  const pick = (n: number) => Math.floor(random() * n);

  const requests: PlannedRequest[] = [];
  let measuredTasks = 0;
  for (let task = 0; task < count; task += 1) {
    const arrivesAtMs = (task * 1000) / tasksPerSecond;
    if (arrivesAtMs >= windowStartMs && arrivesAtMs < windowEndMs) measuredTasks += 1;
    const { interactionSid, taskSid, workspaceSid } = tasks[task]!;
    const add = (caller: Caller, contentType: PlannedRequest['contentType'], body: string) => {
      const atMs = arrivesAtMs + scenario.callAtMs[caller];
      requests.push({
        atMs,
        task,
        caller,
        container: pick(scenario.containers),
        path: strategy.routes[caller],
        contentType,
        body,
        measured: atMs >= windowStartMs && atMs < windowEndMs,
      });
    };
    add('studio', 'application/x-www-form-urlencoded', form({ InteractionSid: interactionSid }));
    add(
      'webhook',
      'application/x-www-form-urlencoded',
      form({
        EventType: 'task.created',
        TaskSid: taskSid,
        WorkspaceSid: workspaceSid,
        TaskAttributes: JSON.stringify({ flexInteractionSid: interactionSid }),
        Timestamp: String(Math.floor((options.startEpochMs + arrivesAtMs + scenario.callAtMs.webhook) / 1000)),
        ...(options.sendsInteractionSidEverywhere ? { InteractionSid: interactionSid } : {}),
      }),
    );
    for (let view = 0; view < viewers; view += 1)
      add('view', 'application/json', viewBody(tokens[pick(tokens.length)]!, interactionSid, 'all'));
  }
  requests.sort((a, b) => a.atMs - b.atMs);
  return { tasksPerSecond, viewers, measuredTasks, requests };
}

/**
 * Every agent's view of one interaction on every container, all at once: agents signed in before the row, whose
 * tokens each warm container has already validated, as it would have in a contact centre that was open before.
 */
export function planSignIn(options: {
  strategy: Strategy;
  containers: number;
  tokens: readonly string[];
  interactionSid: string;
}): PlannedRequest[] {
  return Array.from({ length: options.containers }, (_, container) =>
    options.tokens.map((token): PlannedRequest => ({
      atMs: 0,
      task: -1,
      caller: 'view',
      container,
      path: options.strategy.routes.view,
      contentType: 'application/json',
      body: viewBody(token, options.interactionSid, null),
      measured: false,
    })),
  ).flat();
}

/** What a Flex plugin posts to see an interaction. */
function viewBody(token: string, interactionSid: string, include: string | null): string {
  return JSON.stringify({ Token: token, InteractionSid: interactionSid, ...(include ? { include } : {}) });
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** mulberry32: a small, fast generator, good enough to spread requests over containers and agents. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
