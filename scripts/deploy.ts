// npm run deploy [-- <twilio-run deploy flags>]: after the build, checks what would be deployed
// (scripts/deploy-preflight.ts) and runs `twilio-run deploy` only when nothing is wrong.
//   npm run deploy                                  settings from .env
//   npm run deploy -- --environment stage           settings from .env.stage, to the "stage" environment
//   npm run deploy -- --username SK... --password … an API key and secret instead of the account's auth token
import { spawn } from 'node:child_process';
import path from 'node:path';
import { planDeploy, readDeployArguments } from './deploy-preflight';

const ROOT = path.resolve(__dirname, '..');
const TWILIO_RUN = path.join(ROOT, 'node_modules/twilio-run/bin/twilio-run.js');

/** A deploy sent to a local emulator instead of Twilio (npm run deploy:rehearse). */
export interface Rehearsal {
  /** Node arguments that load the preload routing twilio-run's Twilio hosts to the emulator. */
  nodeArgs: string[];
  env: Record<string, string>;
}

/** Checks, then runs twilio-run deploy; resolves with its exit code (1 when the checks stop it). */
export async function deploy(argv: string[], rehearsal?: Rehearsal): Promise<number> {
  const args = readDeployArguments(argv);
  const root = args.cwd ? path.resolve(args.cwd) : ROOT;
  const plan = await planDeploy(root, args, { rehearsal: rehearsal !== undefined });
  const keys = Object.keys(plan.variables);
  console.log(
    [
      `Deploy check: settings ${plan.envFile ? path.relative(root, plan.envFile) : '(no settings file)'}, ` +
        `runtime ${plan.runtime}, @twilio/runtime-handler ${plan.runtimeHandler ?? '(missing)'}`,
      `  Service variables to upload: ${keys.length > 0 ? keys.join(', ') : 'none'}`,
    ].join('\n'),
  );
  if (plan.problems.length > 0) {
    console.error(`\nnpm run deploy stopped before uploading anything:\n${plan.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  const child = spawn(process.execPath, [...(rehearsal?.nodeArgs ?? []), TWILIO_RUN, ...plan.twilioRunArgs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...rehearsal?.env },
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

if (require.main === module) {
  deploy(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`npm run deploy: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
