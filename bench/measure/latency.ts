import { emulatorCredentials, emulatorEnv, runtimeContext, type EmulatorProcess } from '../../harness';
import { BASELINE, BASELINE_FULL } from './cold-start';
import { invoker, loadFunction, type Invoke } from '../support/in-process';
import { median, round, total } from '../support/stats';

const STUDIO_BUNDLE = 'dist/functions/studio/interaction.protected.js';
export const ADDED_LATENCY_MS = 50;
/**
 * The longest chain of calls that depend on each other for include=all: the
 * interaction, then its channels, then each channel's participants. The
 * Conversation, its participants and the task need only the interaction.
 */
export const DEPENDENT_CALL_DEPTH = 3;

export interface LatencyWithAll {
  addedLatencyMs: number;
  samples: number;
  interactionSid: string;
  /** p50 wall time of include=all, cache off. */
  projectP50Ms: number;
  /** p50 wall time of bench/baseline/interaction-full.js (the same resources, one call after another). */
  naiveSequentialP50Ms: number;
  /** DEPENDENT_CALL_DEPTH x the added latency. */
  floorMs: number;
  /** p50 of DEPENDENT_CALL_DEPTH bare helper fetches one after another: the floor with the emulator's own time in it. */
  bareChainP50Ms: number;
  /** Upstream calls per answer, as each reports or as counted by the emulator. */
  projectCalls: number;
  naiveCalls: number;
  /** The default request (include empty) under the same latency, for scale. */
  defaultP50Ms: { project: number; baseline: number };
}

/**
 * Item 3: with the emulator adding latency to every call, the p50 wall time
 * of include=all against the naive sequential function and against the floor
 * set by the dependent calls. Calls alternate between the variants.
 */
export async function measureLatencyWithAll(emulator: EmulatorProcess, interactionSid: string, samples: number): Promise<LatencyWithAll> {
  const credentials = emulatorCredentials(emulator);
  const project = invoker(loadFunction(STUDIO_BUNDLE).handler, emulatorEnv(emulator, { CACHE_TTL_MS: '0' }));
  const naiveFull = invoker(loadFunction(BASELINE_FULL).handler, credentials);
  const naive = invoker(loadFunction(BASELINE).handler, credentials);
  const client = runtimeContext(credentials).getTwilioClient() as any;

  await emulator.setFaults({ rules: [{ match: '*', latencyMs: ADDED_LATENCY_MS }] });
  try {
    const times = { all: [] as number[], naiveFull: [] as number[], default: [] as number[], naive: [] as number[], chain: [] as number[] };
    let projectCalls = 0;
    let naiveCalls = 0;
    for (let i = 0; i < samples; i += 1) {
      const answer = await timed(times.all, project, { InteractionSid: interactionSid, include: 'all' });
      if (answer.body.meta.partial) throw new Error(`include=all came back partial: ${JSON.stringify(answer.body.meta.warnings)}`);
      projectCalls = answer.body.meta.upstreamCalls;
      const since = await emulator.lastSeq();
      await timed(times.naiveFull, naiveFull, { InteractionSid: interactionSid });
      naiveCalls = total(await emulator.countSince(since));
      await timed(times.default, project, { InteractionSid: interactionSid });
      await timed(times.naive, naive, { InteractionSid: interactionSid });
      const chainStarted = performance.now();
      for (let call = 0; call < DEPENDENT_CALL_DEPTH; call += 1) await client.flexApi.v1.interaction(interactionSid).fetch();
      times.chain.push(performance.now() - chainStarted);
    }
    return {
      addedLatencyMs: ADDED_LATENCY_MS,
      samples,
      interactionSid,
      projectP50Ms: round(median(times.all), 1),
      naiveSequentialP50Ms: round(median(times.naiveFull), 1),
      floorMs: DEPENDENT_CALL_DEPTH * ADDED_LATENCY_MS,
      bareChainP50Ms: round(median(times.chain), 1),
      projectCalls,
      naiveCalls,
      defaultP50Ms: { project: round(median(times.default), 1), baseline: round(median(times.naive), 1) },
    };
  } finally {
    await emulator.setFaults({ rules: [] });
  }
}

async function timed(into: number[], invoke: Invoke, params: Record<string, string>) {
  const started = performance.now();
  const reply = await invoke(params);
  into.push(performance.now() - started);
  if (reply.status !== 200) throw new Error(`answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply;
}
