import { emulatorCredentials, emulatorEnv, type EmulatorProcess } from '../../harness';
import { total } from '../support/stats';
import { BASELINE, BASELINE_FULL, BUNDLES } from './cold-start';
import { invoker, loadFunction, type Invoke } from '../support/in-process';

const [FLEX_BUNDLE, STUDIO_BUNDLE] = BUNDLES as [string, string, string];

export interface CallCount {
  case: string;
  project: number;
  /** The naive function's count for the same requests, where it has one. */
  baseline: number | null;
  target: number;
  /** What was counted: every API request, or one operation. */
  counted: string;
}

/**
 * Item 4: upstream calls per request, counted in the emulator's request log,
 * with the default configuration (cache on). Each case starts from an empty
 * warm container (the bundle's resetWarmContainer), so that no case warms the next.
 */
export async function measureUpstreamCalls(emulator: EmulatorProcess, interactionSid: string): Promise<CallCount[]> {
  const credentials = emulatorCredentials(emulator);
  const projectEnv = emulatorEnv(emulator);
  const fresh = (file: string) => {
    const loaded = loadFunction(file);
    loaded.resetWarmContainer();
    return invoker(loaded.handler, projectEnv);
  };
  const naive = invoker(loadFunction(BASELINE).handler, credentials);
  const naiveFull = invoker(loadFunction(BASELINE_FULL).handler, credentials);
  const params = { InteractionSid: interactionSid };

  const count = async (work: () => Promise<unknown>, operation?: string) => {
    const since = await emulator.lastSeq();
    await work();
    const counts = await emulator.countSince(since);
    return operation ? (counts[operation] ?? 0) : total(counts);
  };
  const times = (n: number, invoke: Invoke, requestParams: Record<string, string>) => () =>
    Promise.all(Array.from({ length: n }, () => ok(invoke, requestParams)));

  const studio = fresh(STUDIO_BUNDLE);
  const byDefault = await count(() => ok(studio, params));
  const warm = await count(() => ok(studio, params));
  let allAnswer: any;
  const all = await count(async () => {
    allAnswer = await ok(fresh(STUDIO_BUNDLE), { ...params, include: 'all' });
  });
  const tenConcurrent = await count(times(10, fresh(STUDIO_BUNDLE), params), 'FetchInteraction');

  const token = await emulator.mintFlexToken();
  const flex = fresh(FLEX_BUNDLE);
  const tenFlexCalls = await count(async () => {
    for (let i = 0; i < 10; i += 1) await ok(flex, { ...params, Token: token });
  }, 'ValidateToken');

  return [
    { case: 'default (include empty)', project: byDefault, baseline: await count(() => ok(naive, params)), target: 1, counted: 'all' },
    {
      case: 'include=all',
      project: all,
      baseline: await count(() => ok(naiveFull, params)),
      target: minimumForAll(allAnswer),
      counted: 'all',
    },
    {
      case: 'the same request again (warm cache)',
      project: warm,
      baseline: await count(() => ok(naive, params)),
      target: 0,
      counted: 'all',
    },
    {
      case: 'ten concurrent identical requests',
      project: tenConcurrent,
      baseline: await count(times(10, naive, params), 'FetchInteraction'),
      target: 1,
      counted: 'FetchInteraction',
    },
    { case: 'ten Flex calls with one token', project: tenFlexCalls, baseline: null, target: 1, counted: 'ValidateToken' },
  ];
}

/** One call per resource the answer holds: the interaction, its channel list, each channel's participants, the Conversation and its participants, the task. */
function minimumForAll(answer: any): number {
  const channels = (answer.channels ?? []) as unknown[];
  // Per channel: its participants and its invites.
  return 1 + 1 + 2 * channels.length + (answer.conversation?.details ? 2 : 0) + (answer.liveTask ? 1 : 0);
}

async function ok(invoke: Invoke, params: Record<string, string>): Promise<any> {
  const reply = await invoke(params);
  if (reply.status !== 200) throw new Error(`answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}
