// npm run deploy [-- <twilio-run deploy flags>]: after the build, checks what would be deployed
// (scripts/deploy-preflight.ts) and runs `twilio-run deploy` only when nothing is wrong.
//   npm run deploy                                  settings from .env
//   npm run deploy -- --environment stage           settings from .env.stage, to the "stage" environment
//   npm run deploy -- --username SK... --password … an API key and secret instead of the account's auth token
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { planDeploy, readDeployArguments } from './deploy-preflight';

const root = path.resolve(__dirname, '..');
const TWILIO_RUN = path.join(root, 'node_modules/twilio-run/bin/twilio-run.js');

async function main(): Promise<number> {
  const plan = await planDeploy(root, readDeployArguments(process.argv.slice(2)), { rehearsal: false });
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
  const result = spawnSync(process.execPath, [TWILIO_RUN, ...plan.twilioRunArgs], { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm run deploy: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
