// npm run deploy [-- <twilio-run deploy flags>]: after the build, checks what would be deployed
// (scripts/deploy-preflight.ts) and runs `twilio-run deploy` only when nothing is wrong.
//   npm run deploy                                  settings from .env
//   npm run deploy -- --environment stage           settings from .env.stage, to the "stage" environment
//   npm run deploy -- --username SK... --password … an API key and secret instead of the account's auth token
//   npm run deploy -- --prune-variables             then remove the environment's variables the file no longer sets
// After the deploy, it names the environment's variables that the settings file no longer sets
// (scripts/deploy-variables.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { redirectedTwilioClient } from '../harness';
import { planDeploy, readDeployArguments, type DeployArguments, type DeployPlan } from './deploy-preflight';
import { deployTarget, describeReview, reviewVariables } from './deploy-variables';

const ROOT = path.resolve(__dirname, '..');
const TWILIO_RUN = path.join(ROOT, 'node_modules/twilio-run/bin/twilio-run.js');

/** A deploy sent to a local emulator instead of Twilio (npm run deploy:rehearse). */
export interface Rehearsal {
  /** Node arguments that load the preload routing twilio-run's Twilio hosts to the emulator. */
  nodeArgs: string[];
  env: Record<string, string>;
  /** The emulator's origin, where the checks after the deploy go too. */
  emulatorUrl: string;
  /** The command as it was run, to be run again with --prune-variables. */
  command: string[];
}

/**
 * The twilio helper needs an account SID even with an API key; the Serverless API's paths carry none, so this
 * stands in when an API key deploys without ACCOUNT_SID anywhere.
 */
const STAND_IN_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

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
  const code = await new Promise<number>((resolve) => child.once('exit', (exit) => resolve(exit ?? 1)));
  if (code !== 0) return code;
  return checkVariables(root, args, plan, rehearsal ?? null, rehearsal?.command ?? ['npm', 'run', 'deploy', '--', ...argv]);
}

/**
 * Names the environment's variables that the settings file no longer sets, and removes them with
 * --prune-variables. The deploy itself is done: a failed listing only warns, a failed removal fails.
 */
async function checkVariables(root: string, args: DeployArguments, plan: DeployPlan, rehearsal: Rehearsal | null, again: string[]) {
  const { username, password, accountSid } = plan.credentials;
  try {
    const { client } = redirectedTwilioClient({
      username,
      password,
      accountSid: accountSid ?? STAND_IN_ACCOUNT_SID,
      baseUrl: rehearsal?.emulatorUrl ?? null,
    });
    const review = await reviewVariables(client, await deployTarget(root, args, accountSid), plan.variables, args.pruneVariables);
    console.log(`\n${describeReview(review, plan.envFile && path.relative(root, plan.envFile), again)}`);
    return 0;
  } catch (error) {
    const verb = args.pruneVariables ? 'removed' : 'listed';
    console.error(
      `\nDeployed, but the environment's variables could not be ${verb}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return args.pruneVariables ? 1 : 0;
  }
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
