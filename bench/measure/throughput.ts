import type { EmulatorProcess } from '../support/emulator-process';
import { baseline, project, residentMemory, serve, type ServedFunctions } from '../support/functions-servers';
import { load, type LoadFigures } from '../support/load';

export interface ServerThroughput {
  name: string;
  runs: Array<LoadFigures & { peakRssMb: number }>;
  /** The highest resident set of the twilio-run process since it started (VmHWM). */
  peakRssMb: number;
}

export interface ThroughputOptions {
  concurrencies: number[];
  durationSeconds: number;
  warmupSeconds: number;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Item 5 (and the RSS of item 6): `twilio-run start --no-fork-process`
 * serving the baseline, then the built bundle with its default configuration
 * (cache on), then the bundle fetching for every request (cache off, and
 * `fresh` so that concurrent requests do not share a fetch either), each
 * loaded by autocannon at each concurrency with requests that walk through
 * the seeded interactions.
 */
export async function measureThroughput(emulator: EmulatorProcess, options: ThroughputOptions): Promise<ServerThroughput[]> {
  const servers: ServedFunctions[] = [
    baseline('baseline (docs function)', '/interaction', emulator),
    project('project, default configuration (cache on)', emulator),
    project('project, a fetch per request (CACHE_TTL_MS=0, fresh=true)', emulator, {
      env: { CACHE_TTL_MS: '0' },
      params: { fresh: 'true' },
    }),
  ];
  const results: ServerThroughput[] = [];
  for (const served of servers) {
    const server = await serve(served, emulator);
    try {
      const requests = emulator.seeded.map(({ sid }) => ({
        method: 'POST' as const,
        path: served.route,
        headers: FORM,
        body: new URLSearchParams({ InteractionSid: sid, ...served.params }).toString(),
      }));
      const run = async (connections: number, duration: number) => {
        await emulator.clearLog();
        return load({ url: server.url, connections, duration, requests });
      };
      const warmup = await run(options.concurrencies[0]!, options.warmupSeconds);
      if (warmup.completed === 0 || warmup.errors > 0)
        throw new Error(`${served.name} failed under load: ${server.output.slice(-5).join('\n')}`);
      const runs = [];
      for (const connections of options.concurrencies) {
        let peakRssMb = 0;
        const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, residentMemory(server.pid).rssMb)), 100);
        try {
          runs.push({ ...(await run(connections, options.durationSeconds)), peakRssMb });
        } finally {
          clearInterval(sampler);
        }
      }
      results.push({ name: served.name, runs, peakRssMb: residentMemory(server.pid).peakRssMb });
    } finally {
      await server.stop();
    }
  }
  return results;
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
