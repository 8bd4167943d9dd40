import { emulatorCredentials, emulatorEnv, runtimeContext, type EmulatorProcess } from '../../harness';
import { BASELINE } from './cold-start';
import { invoker, loadFunction, type Invoke } from '../support/in-process';
import { median, round, runLoad, summarize, type LatencySummary, type LoadResult } from '../support/stats';

const STUDIO_BUNDLE = 'dist/functions/studio/interaction.protected.js';

export interface OverheadAt {
  concurrency: number;
  /** `flexApi.v1.interaction(sid).fetch()` on one helper client, nothing else. */
  bareHelper: LatencySummary;
  /** The project's /studio/interaction handler, include empty, cache off: one enrichment per call. */
  project: LatencySummary;
  /** The docs' function (bench/baseline/interaction.js), for scale. */
  naiveFunction: LatencySummary;
  /** Median over rounds of the project's rate ÷ the bare fetch's rate in the same round. */
  rateRatio: number;
  /** The same against the docs function. */
  rateRatioToNaive: number;
}

/**
 * Item 2: in this process, against the emulator without latency, the rate and
 * latency of the project's default handler versus a bare helper fetch with the
 * same helper, each call for the next of the seeded interactions. Short blocks
 * of each variant alternate, in a different order each round, and the ratio is
 * the median of the ratios within each round, so that bursts of load from
 * elsewhere on the machine touch each variant alike. Every project call is a real
 * enrichment: the cache is off and `fresh` keeps concurrent calls from
 * sharing a fetch.
 */
export async function measureOverhead(
  emulator: EmulatorProcess,
  options: { rounds: number; callsPerRound: number; warmupCalls: number; concurrencies: number[] },
): Promise<OverheadAt[]> {
  const credentials = emulatorCredentials(emulator);
  const client = runtimeContext(credentials).getTwilioClient() as any;
  const project = invoker(loadFunction(STUDIO_BUNDLE).handler, emulatorEnv(emulator, { CACHE_TTL_MS: '0' }));
  const naive = invoker(loadFunction(BASELINE).handler, credentials);

  const sids = emulator.seeded.map((interaction) => interaction.sid);
  const next = rotation(sids);
  const variants: Record<'bareHelper' | 'project' | 'naiveFunction', () => Promise<unknown>> = {
    bareHelper: async () => {
      const sid = next.bareHelper();
      const interaction = await client.flexApi.v1.interaction(sid).fetch();
      if (interaction.sid !== sid) throw new Error('the bare helper fetched another interaction');
    },
    project: () => expectOk(project, { InteractionSid: next.project(), fresh: 'true' }),
    naiveFunction: () => expectOk(naive, { InteractionSid: next.naiveFunction() }),
  };
  const names = Object.keys(variants) as Array<keyof typeof variants>;
  for (const name of names) await runLoad(variants[name], { count: options.warmupCalls, concurrency: 4 });

  const results: OverheadAt[] = [];
  for (const concurrency of options.concurrencies) {
    const runs = new Map<string, LoadResult[]>(names.map((name) => [name, []]));
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const name of order) runs.get(name)!.push(await runLoad(variants[name], { count: options.callsPerRound, concurrency }));
    }
    const [bareHelper, projectSummary, naiveFunction] = names.map((name) => summarize(runs.get(name)!)) as [
      LatencySummary,
      LatencySummary,
      LatencySummary,
    ];
    const roundRatio = (other: string) => round(median(runs.get('project')!.map((run, i) => rate(run) / rate(runs.get(other)![i]!))), 3);
    results.push({
      concurrency,
      bareHelper,
      project: projectSummary,
      naiveFunction,
      rateRatio: roundRatio('bareHelper'),
      rateRatioToNaive: roundRatio('naiveFunction'),
    });
  }
  return results;
}

const rate = (run: LoadResult) => run.latencies.length / run.elapsedMs;

/** Each variant walks the same list of SIDs on its own. */
function rotation(sids: string[]) {
  const walk = () => {
    let index = 0;
    return () => sids[index++ % sids.length]!;
  };
  return { bareHelper: walk(), project: walk(), naiveFunction: walk() };
}

async function expectOk(invoke: Invoke, params: Record<string, string>): Promise<void> {
  const reply = await invoke(params);
  if (reply.status !== 200) throw new Error(`the function answered ${reply.status}: ${JSON.stringify(reply.body)}`);
}
