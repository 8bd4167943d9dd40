import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { emulatorCredentials, emulatorEnv, type EmulatorProcess } from '../../harness';
import { redirectPreload } from '../support/functions-servers';
import { median, round } from '../support/stats';

const ROOT = path.resolve(__dirname, '../..');

export const BUNDLES = [
  'dist/functions/interaction.js',
  'dist/functions/studio/interaction.protected.js',
  'dist/functions/webhooks/interaction.protected.js',
];
export const BASELINE = 'bench/baseline/interaction.js';
export const BASELINE_FULL = 'bench/baseline/interaction-full.js';
/** Not functions: what a bundle's dependencies cost to load on their own, for scale. */
const DEPENDENCIES = ['twilio', 'lru-cache', 'node:crypto'];

export interface RequireTime {
  file: string;
  bytes: number;
  requireMedianMs: number;
  twilioLoaded: boolean;
}

export interface ColdStart {
  runs: number;
  files: RequireTime[];
  /** Each dependency alone in a fresh process, for scale: the bundles load all three lazily, on their first invocation. */
  dependencyRequireMedianMs: Record<string, number>;
  /** From require to the first answer (include empty, emulator without latency), twilio preloaded as the runtime does. */
  firstAnswerMedianMs: { project: number; baseline: number };
}

/**
 * Item 1: the size of each bundle, the median time to `require` it in a fresh
 * Node process, and the median time from `require` to its first answer. Runs
 * are interleaved across files so that drift in the machine's load touches
 * every file alike.
 */
export async function measureColdStart(emulator: EmulatorProcess, runs: number, interactionSid: string): Promise<ColdStart> {
  const files = [...BUNDLES, BASELINE, BASELINE_FULL, ...DEPENDENCIES];
  const requireMs = new Map<string, number[]>(files.map((file) => [file, []]));
  const twilioLoaded = new Set<string>();
  const firstAnswer = { project: [] as number[], baseline: [] as number[] };
  const preload = await redirectPreload();
  const credentials = emulatorCredentials(emulator);

  for (let run = 0; run < runs; run += 1) {
    for (const file of files) {
      const dependency = DEPENDENCIES.includes(file);
      const result = probe<{ ms: number; twilioLoaded: boolean; exports: string[] }>('require-time.cjs', [
        dependency ? file : path.join(ROOT, file),
      ]);
      if (!dependency && !result.exports.includes('handler')) throw new Error(`${file} exports no handler`);
      requireMs.get(file)!.push(result.ms);
      if (result.twilioLoaded) twilioLoaded.add(file);
    }
    const answers = [
      { into: firstAnswer.project, file: BUNDLES[1]!, env: emulatorEnv(emulator) },
      { into: firstAnswer.baseline, file: BASELINE, env: credentials },
    ];
    for (const { into, file, env } of answers) {
      const result = probe<{ ms: number; status: number }>('first-answer.cjs', [path.join(ROOT, file), preload, interactionSid], {
        BENCH_FUNCTION_ENV: JSON.stringify(env),
        BENCH_TWILIO_BASE_URL: emulator.url,
      });
      if (result.status !== 200) throw new Error(`${file} answered ${result.status} on its first call`);
      into.push(result.ms);
    }
  }

  return {
    runs,
    files: [...BUNDLES, BASELINE, BASELINE_FULL].map((file) => ({
      file,
      bytes: statSync(path.join(ROOT, file)).size,
      requireMedianMs: round(median(requireMs.get(file)!), 2),
      twilioLoaded: twilioLoaded.has(file),
    })),
    dependencyRequireMedianMs: Object.fromEntries(DEPENDENCIES.map((name) => [name, round(median(requireMs.get(name)!), 2)])),
    firstAnswerMedianMs: { project: round(median(firstAnswer.project), 1), baseline: round(median(firstAnswer.baseline), 1) },
  };
}

function probe<T>(script: string, args: string[], env: Record<string, string> = {}): T {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'probes', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (run.status !== 0) throw new Error(`${script} ${args[0]} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
