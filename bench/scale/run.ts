// npm run bench:scale: the contact-centre model (bench/README.md, "Contact-centre scale"). Tasks arrive at a steady
// rate; each makes a Studio call, a TaskRouter webhook and its agents' Flex views, sent to warm containers picked at
// random, for the project and for the docs-pattern function, against the emulator with Twilio's rate limits on.
// Prints one table and the sustained rates, and writes the rows, the machine and the scenario to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emulatorEnv, startEmulatorProcess, type EmulatorProcess, type FunctionsServer } from '../../harness';
import { serve } from '../support/functions-servers';
import { describeMachine } from '../support/report';
import { scaleTable, sustainedRates, sustainedTable, targets, targetsTable, type ScaleRow } from './report';
import { recordScaleRun, SCALE_DOCS, SCALE_RECORDED_RUN } from './readme';
import { runRow, warmUp } from './row';
import { FULL_SCENARIO, SMOKE_SCENARIO, STRATEGY_NAMES, type Scenario, type StrategyName } from './scenario';

const USAGE = `Usage: npm run bench:scale -- [options]

  --smoke             two short rows (${SMOKE_SCENARIO.tasksPerSecond.join(', ')} tasks/s, ${SMOKE_SCENARIO.viewers.join(', ')} viewers): does the bench work?
  --rates <list>      tasks per second, e.g. 2,4,8 (default ${FULL_SCENARIO.tasksPerSecond.join(',')})
  --viewers <list>    Flex views per task, e.g. 3,10 (default ${FULL_SCENARIO.viewers.join(',')})
  --window <s>        measured seconds per row (default ${FULL_SCENARIO.windowSeconds})
  --warmup <s>        seconds of arrivals before each row's window (default ${FULL_SCENARIO.warmupSeconds}; at least the last call's delay)
  --containers <n>    warm containers per strategy (default ${FULL_SCENARIO.containers})
  --strategies <list> of ${STRATEGY_NAMES.join(', ')} (default ${FULL_SCENARIO.compare.join(',')}; --smoke ${SMOKE_SCENARIO.compare.join(',')})
  --record            make this run the recorded one (${SCALE_RECORDED_RUN}) and write its figures into ${SCALE_DOCS.join(' and ')}
  --help              show this help`;

const ROOT = path.resolve(__dirname, '../..');
const say = (line: string) => process.stdout.write(`${line}\n`);

class UsageError extends Error {}

function numbers(raw: string, option: string, integer: boolean): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((n) => !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))))
    throw new UsageError(`${option} takes ${integer ? 'whole ' : ''}numbers above 0, comma-separated; got ${raw}`);
  return values;
}

function one(raw: string | undefined, option: string, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const values = numbers(raw, option, integer);
  if (values.length !== 1) throw new UsageError(`${option} takes one number; got ${raw}`);
  return values[0];
}

function strategiesFrom(raw: string): StrategyName[] {
  const names = [...new Set(raw.split(',').map((part) => part.trim()))];
  const unknown = names.filter((name) => !(STRATEGY_NAMES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(`--strategies takes ${STRATEGY_NAMES.join(', ')}, comma-separated; got ${raw}`);
  return STRATEGY_NAMES.filter((name) => names.includes(name));
}

/** The scenario of this run: the full or smoke data, with the command line's changes. */
export function scenarioFromArgs(args: string[]): Scenario | null {
  const { values } = parseArgs({
    args,
    options: {
      smoke: { type: 'boolean', default: false },
      rates: { type: 'string' },
      viewers: { type: 'string' },
      window: { type: 'string' },
      warmup: { type: 'string' },
      containers: { type: 'string' },
      strategies: { type: 'string' },
      record: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const base = values.smoke ? SMOKE_SCENARIO : FULL_SCENARIO;
  const scenario: Scenario = {
    ...base,
    ...(values.rates !== undefined ? { tasksPerSecond: [...new Set(numbers(values.rates, '--rates', false))].sort((a, b) => a - b) } : {}),
    ...(values.viewers !== undefined ? { viewers: [...new Set(numbers(values.viewers, '--viewers', true))] } : {}),
    windowSeconds: one(values.window, '--window', false) ?? base.windowSeconds,
    warmupSeconds: one(values.warmup, '--warmup', false) ?? base.warmupSeconds,
    containers: one(values.containers, '--containers', true) ?? base.containers,
    compare: values.strategies !== undefined ? strategiesFrom(values.strategies) : base.compare,
  };
  const lastCallMs = Math.max(...Object.values(scenario.callAtMs));
  if (scenario.warmupSeconds * 1000 < lastCallMs)
    throw new UsageError(
      `--warmup must be at least ${lastCallMs / 1000} s, the delay of a task's last call, for the window to see every caller`,
    );
  return scenario;
}

async function main(): Promise<void> {
  let scenario: Scenario | null;
  try {
    scenario = scenarioFromArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench:scale: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (!scenario) {
    say(USAGE);
    return;
  }
  const smoke = process.argv.includes('--smoke');
  const machine = describeMachine();
  const rowCount = scenario.tasksPerSecond.length * scenario.viewers.length * scenario.compare.length;
  say(
    `bench:scale (${smoke ? 'smoke' : 'full'}): ${rowCount} rows of ${scenario.windowSeconds} s measured; ` +
      `${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`,
  );

  const started = Date.now();
  const emulator = await startEmulatorProcess({ rateLimits: 'off' });
  const servers: FunctionsServer[] = [];
  try {
    const containers = await startContainers(emulator, scenario, servers);
    say(`  ${scenario.compare.length} × ${scenario.containers} containers up: ${seconds(started)}`);
    for (const strategy of scenario.compare) await warmUp({ emulator, scenario, strategy, containers: containers[strategy]! });
    say(`  containers warm: ${seconds(started)}`);

    const rows: ScaleRow[] = [];
    for (const viewers of scenario.viewers) {
      for (const [i, tasksPerSecond] of scenario.tasksPerSecond.entries()) {
        // Alternating which strategy goes first spreads the machine's drift over them.
        for (const strategy of i % 2 === 0 ? scenario.compare : [...scenario.compare].reverse()) {
          const row = await runRow({ emulator, scenario, strategy, containers: containers[strategy]! }, tasksPerSecond, viewers);
          rows.push(row);
          say(
            `  ${strategy} ${tasksPerSecond} tasks/s, ${viewers} viewers: ${(row.complete * 100).toFixed(2)}% complete, ` +
              `p99 ${row.p99_ms} ms (${seconds(started)})`,
          );
        }
      }
    }

    const ordered = [...rows].sort(
      (a, b) => a.viewers - b.viewers || a.strategy.localeCompare(b.strategy) || a.tasks_per_s - b.tasks_per_s,
    );
    const sustained = sustainedRates(ordered, scenario.sustainedCompleteShare);
    const met = targets(ordered, sustained);
    say(`\n${scaleTable(ordered)}\n\n${sustainedTable(sustained, scenario.sustainedCompleteShare)}\n\n${targetsTable(met)}\n`);

    const file = path.join(ROOT, 'bench/results', `scale-${machine.date.replace(/[:.]/g, '-')}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    const durationSeconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(
      file,
      `${JSON.stringify({ rows: ordered, sustained, targets: met, machine, scenario, durationSeconds, smoke }, null, 2)}\n`,
    );
    say(`figures written to ${path.relative(ROOT, file)} (${durationSeconds} s in all)`);

    if (process.argv.includes('--record')) {
      recordScaleRun(file, ROOT);
      say(`recorded: ${SCALE_RECORDED_RUN} and the figures in ${SCALE_DOCS.join(' and ')}`);
    }
    const problems = checkRows(ordered);
    if (problems.length > 0) {
      say(`the bench did not work:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await emulator.stop();
  }
}

/** Every strategy's containers, started side by side; `started` collects them so that they are stopped in any case. */
async function startContainers(
  emulator: EmulatorProcess,
  scenario: Scenario,
  started: FunctionsServer[],
): Promise<Partial<Record<StrategyName, FunctionsServer[]>>> {
  const start = async (strategy: StrategyName) => {
    const { functionsFolder, env } = scenario.strategies[strategy];
    const served = { name: strategy, route: '', params: {}, functionsFolder, env: emulatorEnv(emulator, env) };
    return Promise.all(
      Array.from({ length: scenario.containers }, async () => {
        const server = await serve(served, emulator);
        started.push(server);
        return server;
      }),
    );
  };
  const servers = await Promise.all(scenario.compare.map(start));
  return Object.fromEntries(scenario.compare.map((strategy, i) => [strategy, servers[i]!]));
}

/** What makes a run unusable (not slow): rows without answers, figures missing, nothing counted upstream. */
function checkRows(rows: readonly ScaleRow[]): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const name = `${row.strategy} ${row.tasks_per_s} tasks/s ${row.viewers} viewers`;
    if (row.answers === 0) problems.push(`${name}: no answers measured`);
    else if (row.complete === 0) problems.push(`${name}: no complete answer (${JSON.stringify(row.failures)})`);
    if (row.interactions_calls_per_task === 0) problems.push(`${name}: the emulator logged no Flex Interactions call`);
    const figures = Object.entries(row).filter(([, value]) => typeof value === 'number' && !Number.isFinite(value));
    if (figures.length > 0) problems.push(`${name}: no figure for ${figures.map(([key]) => key).join(', ')}`);
  }
  return problems;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
