import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorCredentials, emulatorEnv, startFunctions, type EmulatorProcess, type FunctionsServer } from '../../harness';

const ROOT = path.resolve(__dirname, '../..');
const PRELOAD = path.join(ROOT, 'bench/results/.build/twilio-redirect-preload.cjs');

export interface ServedFunctions {
  /** What this server runs, for the report. */
  name: string;
  /** The route the load is sent to, and parameters sent with each SID. */
  route: string;
  params: Record<string, string>;
  env: Record<string, string>;
  /** The functions folder: the built bundle or the baseline. */
  functionsFolder: string;
}

/** The built bundle as deployed (`dist/`), with the emulator as its Twilio. */
export function project(
  name: string,
  emulator: EmulatorProcess,
  options: { env?: Record<string, string>; params?: Record<string, string> } = {},
): ServedFunctions {
  return {
    name,
    route: '/studio/interaction',
    params: options.params ?? {},
    functionsFolder: 'dist/functions',
    env: emulatorEnv(emulator, options.env),
  };
}

/** The naive baseline, bench/baseline, served by twilio-run like any functions folder. */
export function baseline(name: string, route: string, emulator: EmulatorProcess): ServedFunctions {
  return { name, route, params: {}, functionsFolder: 'bench/baseline', env: emulatorCredentials(emulator) };
}

/**
 * `twilio-run start --no-fork-process` on `served`, with the helper redirected
 * to the emulator by a preload (the same for the project and the baseline).
 */
export async function serve(served: ServedFunctions, emulator: EmulatorProcess): Promise<FunctionsServer> {
  process.env.BENCH_TWILIO_BASE_URL = emulator.url;
  return startFunctions(served.env, {
    nodeArgs: ['--require', await redirectPreload()],
    args: ['--no-fork-process', '--no-live', '--functions-folder', served.functionsFolder],
  });
}

let built: Promise<string> | undefined;

/** The file to `node --require` so that the twilio helper in that process talks to BENCH_TWILIO_BASE_URL. */
export function redirectPreload(): Promise<string> {
  built ??= build({
    entryPoints: [path.join(__dirname, 'twilio-redirect-preload.ts')],
    outfile: PRELOAD,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['twilio'],
    logLevel: 'warning',
  }).then(() => PRELOAD);
  return built;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc, 10 ms ticks). */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are the 14th and 15th fields of the line; the split starts at the 3rd.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Resident set size of a process now, and the highest it has been (Linux /proc), in MB. */
export function residentMemory(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}
