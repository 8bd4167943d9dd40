import type { EmulatorProcess, FunctionsServer } from '../../harness';
import { baseline, cpuTimeMs, project, residentMemory, serve, type ServedFunctions } from '../support/functions-servers';
import { load, type LoadFigures } from '../support/load';
import { median, round } from '../support/stats';

export interface ThroughputAt {
  connections: number;
  /** Answers per second over all rounds. */
  requestsPerSecond: number;
  /** Mean of the rounds' p99. */
  p99Ms: number;
  errors: number;
  /** Highest resident set of the twilio-run process seen while loaded. */
  peakRssMb: number;
  /** CPU time the twilio-run process spent per answer: the cost of a request, whatever else loads the machine. */
  cpuMsPerRequest: number;
  /** Median over rounds of this server's rate ÷ the baseline's rate in the same round (1 for the baseline). */
  rateRatioToBaseline: number;
  rounds: LoadFigures[];
}

export interface ServerThroughput {
  name: string;
  at: ThroughputAt[];
  /** The highest resident set of the twilio-run process since it started (VmHWM). */
  peakRssMb: number;
}

export interface ThroughputOptions {
  concurrencies: number[];
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Item 5 (and the RSS of item 6): `twilio-run start --no-fork-process`
 * serving the baseline, the built bundle with its default configuration
 * (cache on), and the bundle fetching for every request (cache off, and
 * `fresh` so that concurrent requests do not share a fetch either), loaded
 * in turn by autocannon with requests that walk through the seeded
 * interactions. The three servers run side by side (an idle one costs
 * nothing) so that their runs can alternate, in a different order each round.
 */
export async function measureThroughput(emulator: EmulatorProcess, options: ThroughputOptions): Promise<ServerThroughput[]> {
  const served: ServedFunctions[] = [
    baseline('baseline (docs function)', '/interaction', emulator),
    project('project, default configuration (cache on)', emulator),
    project('project, a fetch per request (CACHE_TTL_MS=0, fresh=true)', emulator, {
      env: { CACHE_TTL_MS: '0' },
      params: { fresh: 'true' },
    }),
  ];
  const servers: FunctionsServer[] = [];
  try {
    for (const functions of served) servers.push(await serve(functions, emulator));
    const run = async (index: number, connections: number, duration: number) => {
      await emulator.clearLog();
      const requests = emulator.seeded.map(({ sid }) => ({
        method: 'POST' as const,
        path: served[index]!.route,
        headers: FORM,
        body: new URLSearchParams({ InteractionSid: sid, ...served[index]!.params }).toString(),
      }));
      const pid = servers[index]!.pid;
      let peakRssMb = 0;
      const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, residentMemory(pid).rssMb)), 100);
      const cpuBefore = cpuTimeMs(pid);
      try {
        const figures = await load({ url: servers[index]!.url, connections, duration, requests });
        return { figures, peakRssMb, cpuMs: cpuTimeMs(pid) - cpuBefore };
      } finally {
        clearInterval(sampler);
      }
    };

    for (const [index, functions] of served.entries()) {
      const { figures } = await run(index, options.concurrencies[0]!, options.warmupSeconds);
      if (figures.completed === 0 || figures.errors > 0)
        throw new Error(`${functions.name} failed under load: ${servers[index]!.output.slice(-5).join('\n')}`);
    }

    const runs = served.map(() => new Map<number, Array<{ figures: LoadFigures; peakRssMb: number; cpuMs: number }>>());
    for (let round = 0; round < options.rounds; round += 1) {
      for (const connections of options.concurrencies) {
        const order = served.map((_, index) => index);
        if (round % 2 === 1) order.reverse();
        for (const index of order) {
          const result = await run(index, connections, options.durationSeconds);
          runs[index]!.set(connections, [...(runs[index]!.get(connections) ?? []), result]);
        }
      }
    }

    return served.map((functions, index) => ({
      name: functions.name,
      at: options.concurrencies.map((connections) => {
        const mine = runs[index]!.get(connections)!;
        const baselines = runs[0]!.get(connections)!;
        const rate = (figures: LoadFigures) => figures.completed / figures.durationSeconds;
        return {
          connections,
          requestsPerSecond: round(sum(mine, (r) => r.figures.completed) / sum(mine, (r) => r.figures.durationSeconds), 1),
          p99Ms: round(sum(mine, (r) => r.figures.p99Ms) / mine.length, 1),
          errors: sum(mine, (r) => r.figures.errors),
          peakRssMb: Math.max(...mine.map((r) => r.peakRssMb)),
          cpuMsPerRequest: round(sum(mine, (r) => r.cpuMs) / sum(mine, (r) => r.figures.completed), 3),
          rateRatioToBaseline: round(median(mine.map((r, i) => rate(r.figures) / rate(baselines[i]!.figures))), 3),
          rounds: mine.map((r) => r.figures),
        };
      }),
      peakRssMb: residentMemory(servers[index]!.pid).peakRssMb,
    }));
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/** The emulator's own rate on loopback: GET of one interaction, the call every enrichment starts with. */
export async function measureEmulatorRate(emulator: EmulatorProcess, options: ThroughputOptions): Promise<LoadFigures[]> {
  const authorization = `Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}`;
  const requests = emulator.seeded.map(({ sid }) => ({
    method: 'GET' as const,
    path: `/v1/Interactions/${sid}`,
    headers: { authorization },
  }));
  await load({ url: emulator.url, connections: options.concurrencies[0]!, duration: options.warmupSeconds, requests });
  const figures = [];
  for (const connections of options.concurrencies) {
    await emulator.clearLog();
    figures.push(await load({ url: emulator.url, connections, duration: options.durationSeconds, requests }));
  }
  return figures;
}
