/**
 * One row of the sweep: one strategy, one arrival rate, one number of viewers. Fixtures first (not measured), then
 * the tasks' requests on their schedule with Twilio's rate limits on; the measured window's answers and the emulator's
 * log of the same window make the row.
 */
import type { EmulatorProcess, FunctionsServer } from '../../harness';
import { cpuTimeMs } from '../support/functions-servers';
import { percentile, round } from '../support/stats';
import { prepareRow, type RowFixtures } from './fixtures';
import { sendOnSchedule, type Sent } from './open-loop';
import { answerFigures, failuresByKind, judge, unanswered, type AnswerFigures, type Verdict } from './outcomes';
import type { ScaleRow } from './report';
import type { Caller, Scenario, StrategyName } from './scenario';
import { planRow, planSignIn, tasksNeeded, type PlannedRequest, type RowPlan } from './tasks';
import { upstreamFigures } from './upstream';

export interface RowSetting {
  emulator: EmulatorProcess;
  scenario: Scenario;
  strategy: StrategyName;
  /** The strategy's warm containers. */
  containers: readonly FunctionsServer[];
}

/** How long a row may wait for the functions' last calls to Twilio to end after the last answer. */
const DRAIN_TIMEOUT_MS = 15_000;

export async function runRow(setting: RowSetting, tasksPerSecond: number, viewers: number): Promise<ScaleRow> {
  const { emulator, scenario, strategy, containers } = setting;
  const fixtures = await prepareRow(emulator, scenario, tasksNeeded(scenario, tasksPerSecond));
  await signIn(setting, fixtures.tokens);
  await emulator.setRateLimits(scenario.rateLimits);

  // The window's edges in the emulator's log and in the containers' CPU time, read as the window opens and closes.
  const mark = async () => ({ seq: await emulator.lastSeq(), cpuMs: containers.reduce((sum, c) => sum + cpuTimeMs(c.pid), 0) });
  const at = (ms: number) => new Promise<Awaited<ReturnType<typeof mark>>>((resolve) => setTimeout(() => resolve(mark()), ms));
  const windowOpens = at(scenario.warmupSeconds * 1000);
  const windowCloses = at((scenario.warmupSeconds + scenario.windowSeconds) * 1000);
  const rowPlan = plan(setting, scenario, fixtures, tasksPerSecond, viewers);
  const sent = await send(setting, rowPlan.requests);
  const [opened, closed] = await Promise.all([windowOpens, windowCloses]);
  await drained(emulator);
  const logged = (await emulator.requestsSince(opened.seq)).filter((entry) => entry.seq <= closed.seq);

  const measured = sent
    .filter((s) => s.request.measured)
    .map((s) => ({ caller: s.request.caller, latencyMs: s.latencyMs, verdict: s.read ?? unanswered(s.error ?? 'network') }));
  const callers: Caller[] = ['studio', 'webhook', 'view'];
  return {
    strategy,
    tasks_per_s: tasksPerSecond,
    viewers,
    ...answerFigures(measured),
    ...upstreamFigures(logged, rowPlan.measuredTasks),
    tasks: rowPlan.measuredTasks,
    failures: failuresByKind(measured),
    by_caller: Object.fromEntries(callers.map((caller) => [caller, answerFigures(measured.filter((m) => m.caller === caller))])) as Record<
      Caller,
      AnswerFigures
    >,
    container_cpu_ms_per_task: round((closed.cpuMs - opened.cpuMs) / rowPlan.measuredTasks, 2),
    send_lag_p99_ms: round(
      percentile(
        sent.filter((s) => s.request.measured).map((s) => s.sendLagMs),
        99,
      ),
      1,
    ),
  };
}

/**
 * Sends tasks through the strategy's containers with rate limits off and checks that every answer is complete: each
 * container then has loaded what the requests need (twilio, the bundle's lazy modules) before the first row. A cold
 * container first gets one request of each kind at a time, as the first of them loads twilio.
 */
export async function warmUp(setting: RowSetting): Promise<void> {
  const { emulator, scenario, strategy, containers } = setting;
  const rate = 5;
  // A task's calls close together: the containers only need to have served each kind of request.
  const warmScenario = {
    ...scenario,
    callAtMs: { studio: 0, webhook: 100, view: 200 },
    warmupSeconds: 0,
    windowSeconds: scenario.warmupTasks / rate,
  };
  const fixtures = await prepareRow(emulator, warmScenario, tasksNeeded(warmScenario, rate));
  const { requests } = plan(setting, warmScenario, fixtures, rate, 3);
  const doing = `warming the ${strategy} containers`;
  for (const container of containers.keys())
    for (const request of requests.filter((r) => r.task === 0))
      expectComplete(await send(setting, [{ ...request, atMs: 0, container }]), doing);
  expectComplete(await send(setting, requests), doing);
}

/** The row's agents seen by every container before the row (planSignIn), a few ms apart, rate limits still off. */
async function signIn(setting: RowSetting, tokens: readonly string[]): Promise<void> {
  const requests = planSignIn({
    strategy: setting.scenario.strategies[setting.strategy],
    containers: setting.containers.length,
    tokens,
    interactionSid: setting.emulator.seeded[0]!.sid,
  });
  expectComplete(
    await send(
      setting,
      requests.map((request, i) => ({ ...request, atMs: i * 10 })),
    ),
    `signing the agents in to the ${setting.strategy} containers`,
  );
}

function expectComplete(sent: ReadonlyArray<Sent<Verdict>>, doing: string): void {
  const failures = failuresByKind(sent.map((s) => ({ verdict: s.read ?? unanswered(s.error ?? 'network') })));
  if (Object.keys(failures).length > 0) throw new Error(`${doing} failed: ${JSON.stringify(failures)}`);
}

/** The tasks' requests for `scenario`, to the strategy's routes. */
function plan(setting: RowSetting, scenario: Scenario, fixtures: RowFixtures, tasksPerSecond: number, viewers: number): RowPlan {
  return planRow({
    scenario,
    strategy: scenario.strategies[setting.strategy],
    sendsInteractionSidEverywhere: setting.strategy === 'docs',
    tasksPerSecond,
    viewers,
    ...fixtures,
    startEpochMs: Date.now(),
  });
}

/** `requests` sent on their schedule to the strategy's containers, each answer judged as it comes. */
function send<R extends PlannedRequest>(setting: RowSetting, requests: readonly R[]) {
  return sendOnSchedule(requests, {
    containers: setting.containers.map((c) => c.url),
    timeoutMs: setting.scenario.clientTimeoutMs,
    read: (status, text) => judge(setting.strategy, status, text),
  });
}

/** Waits until the emulator answers no request: the functions have given up or finished what the row asked. */
async function drained(emulator: EmulatorProcess): Promise<void> {
  const started = Date.now();
  while ((await emulator.inFlight()) > 0) {
    if (Date.now() - started > DRAIN_TIMEOUT_MS) throw new Error(`the emulator still had requests in flight after ${DRAIN_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
