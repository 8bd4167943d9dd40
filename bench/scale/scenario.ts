/**
 * The contact-centre scenario of `npm run bench:scale`, as data: who calls, when, how often, against how many warm
 * containers, and with what settings. Another configuration is a change here (or an option on the command line), not
 * in the code that runs it.
 */
import { TWILIO_RATE_LIMITS, type RateLimits } from '../../emulator/rate-limits';

/** The callers of one task, in the order a contact centre makes them. */
export type Caller = 'studio' | 'webhook' | 'view';

/**
 * The things compared: the project's functions sharing what they fetch in Sync (`project`), the same functions
 * without Sync, each container on its own (`project-no-sync`), and the docs-pattern function
 * (bench/baseline/interaction.js).
 */
export type StrategyName = 'project' | 'project-no-sync' | 'docs';

/** Every strategy, in the order a run starts them. */
export const STRATEGY_NAMES: readonly StrategyName[] = ['docs', 'project-no-sync', 'project'];

export interface Strategy {
  /** The functions folder twilio-run serves. */
  functionsFolder: string;
  /** The route each caller posts to. */
  routes: Record<Caller, string>;
  /** Settings on top of the emulator's credentials (and, for the project, TWILIO_API_BASE_URL). */
  env: Record<string, string>;
}

export interface Scenario {
  /** Arrival rates swept, tasks per second, arriving at even intervals. */
  tasksPerSecond: number[];
  /** Flex views per task (agents and supervisors opening it), swept. */
  viewers: number[];
  /** When each caller calls, in ms after the task arrives. The views all come at `view`. */
  callAtMs: Record<Caller, number>;
  /** Warm twilio-run processes per strategy; each request goes to one of them picked at random. */
  containers: number;
  /** Agents signed in to Flex: one Flex token each, minted afresh for every row; each view uses one at random. */
  agents: number;
  /** Media type of each task's interaction (one channel each). */
  channelType: string;
  /** Tasks arrive for this long before the measured window, so that the window sees a steady state. */
  warmupSeconds: number;
  /** Requests scheduled in this window are measured; tasks stop arriving at its end. */
  windowSeconds: number;
  /** A request not answered this long after its scheduled time has failed (Studio's HTTP widget waits 10 s). */
  clientTimeoutMs: number;
  /** Tasks sent through each strategy's containers before the first row, rate limits off, so that each one is warm. */
  warmupTasks: number;
  /**
   * The emulator's rate limits during each row, warm-up included (null: none). Off while a row's interactions are
   * made and its agents sign in, and set afresh (every bucket full) as the row starts.
   */
  rateLimits: RateLimits | null;
  /** Seed of the random picks (container, agent), so that two runs send the same requests. */
  randomSeed: number;
  /** At least this share of answers complete for a rate to count as sustained. */
  sustainedCompleteShare: number;
  /** The strategies this run compares (the docs function's is the reference). */
  compare: StrategyName[];
  strategies: Record<StrategyName, Strategy>;
}

/** The Sync Service the emulator seeds (`interaction-enrichments`), which the project's containers share. */
export const SEEDED_SYNC_SERVICE_SID = 'IS955a9d7833302df324fb4ee3f3553e6c';

/** The project's functions with its defaults, each container on its own: what it does without Sync. */
const PROJECT_NO_SYNC: Strategy = {
  functionsFolder: 'dist/functions',
  routes: { studio: '/studio/interaction', webhook: '/webhooks/interaction', view: '/interaction' },
  env: {},
};

/** The project as a contact centre would deploy it: its defaults, and one setting that shares copies in Sync. */
const PROJECT: Strategy = { ...PROJECT_NO_SYNC, env: { SYNC_SERVICE_SID: SEEDED_SYNC_SERVICE_SID } };

/** The docs pattern is one function: Studio, the webhook and the views all call it with InteractionSid. */
const DOCS: Strategy = {
  functionsFolder: 'bench/baseline',
  routes: { studio: '/interaction', webhook: '/interaction', view: '/interaction' },
  env: {},
};

export const FULL_SCENARIO: Scenario = {
  tasksPerSecond: [1, 2, 3, 4, 5, 6, 8, 12, 16, 20, 24],
  viewers: [3, 10],
  callAtMs: { studio: 0, webhook: 1000, view: 2000 },
  containers: 3,
  agents: 20,
  channelType: 'sms',
  warmupSeconds: 5,
  windowSeconds: 15,
  clientTimeoutMs: 10_000,
  warmupTasks: 30,
  rateLimits: TWILIO_RATE_LIMITS,
  randomSeed: 20,
  sustainedCompleteShare: 0.999,
  compare: ['docs', 'project-no-sync', 'project'],
  strategies: { project: PROJECT, 'project-no-sync': PROJECT_NO_SYNC, docs: DOCS },
};

/** `--smoke`: the same model, two short rows at a rate every strategy keeps up with, to see that the bench works. */
export const SMOKE_SCENARIO: Scenario = {
  ...FULL_SCENARIO,
  tasksPerSecond: [2],
  viewers: [3],
  warmupSeconds: 2,
  windowSeconds: 2,
  warmupTasks: 10,
  compare: ['docs', 'project'],
};
