// npm run deploy:rehearse [-- <options>] [-- <deploy flags>]: the real `npm run deploy` (its checks, then
// `twilio-run deploy`) sent to the local emulator instead of Twilio, then what the emulator now has deployed.
// It builds into a folder of its own, .build/rehearsal/, and deploys from there: dist/ is npm start's, and
// rebuilding it under a running npm start would take its console away.
//
//   --emulator <url>   deploy to an emulator already running (npm start's, or npm run emulator's); a second
//                      rehearsal then redeploys to the same Service, as .twiliodeployinfo names it. Without it,
//                      a fresh emulator is started for this rehearsal and stopped after it.
//   --api-key          deploy with the emulator's API key and secret, as CI would with its own, instead of
//                      the account SID and auth token; as with Twilio, .twiliodeployinfo then names no Service,
//                      so a second deploy needs --service-sid ZS...
//   --no-typecheck     build without tsc's check (when it has just passed)
//
// Every other flag goes to npm run deploy (--environment, --env, --cwd, ...).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_API_KEY, DEFAULT_AUTH_TOKEN, startEmulator } from '../emulator/server';
import { readSeedFile } from '../emulator/seed';
import { checkApiBaseUrl } from '../src/core/twilio/api-base-url';
import { buildProject } from './build';
import { deploy } from './deploy';
import { describeDeployed, type DeployedService } from './deployed-services';
import { readDeployArguments } from './deploy-preflight';

const ROOT = path.resolve(__dirname, '..');
const PRELOAD = path.join(ROOT, 'emulator/deploy-rehearsal/route-to-emulator.ts');
/** The rehearsal's build, apart from dist/ (git-ignored with the rest of .build/). */
export const REHEARSAL_BUILD = path.join(ROOT, '.build/rehearsal');

function takeOption(argv: string[], name: string, withValue: boolean): string | true | undefined {
  const at = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const [arg] = argv.splice(at, 1);
  if (!withValue) return true;
  if (arg!.includes('=')) return arg!.slice(arg!.indexOf('=') + 1);
  const [value] = argv.splice(at, 1);
  if (value === undefined) throw new Error(`${name} needs a value.`);
  return value;
}

function failedBuildReasons(services: DeployedService[]): string[] {
  return services.flatMap((service) =>
    service.builds.filter((b) => b.status === 'failed').map((b) => `${b.sid}: ${b.failure ?? 'no reason'}`),
  );
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const command = ['npm', 'run', 'deploy:rehearse', '--', ...argv];
  const given = takeOption(argv, '--emulator', true);
  const useApiKey = takeOption(argv, '--api-key', false) === true;
  const typecheck = takeOption(argv, '--no-typecheck', false) !== true;
  const cwd = path.resolve(readDeployArguments(argv).cwd ?? ROOT);

  await buildProject({ outDir: REHEARSAL_BUILD, quiet: false, typecheck });
  // twilio-run looks for these folders under --cwd.
  const folders = ['functions', 'assets'].flatMap((kind) => [`--${kind}-folder`, path.relative(cwd, path.join(REHEARSAL_BUILD, kind))]);

  let emulatorUrl: string;
  let close = async () => undefined as void;
  if (typeof given === 'string') {
    const verdict = checkApiBaseUrl(given, 'never');
    if (!verdict.ok) throw new Error(`--emulator ${verdict.why}.`);
    emulatorUrl = verdict.origin;
  } else {
    const emulator = await startEmulator({ port: 0 });
    emulatorUrl = emulator.url;
    close = () => emulator.close();
  }
  console.log(`Rehearsing the deploy against the local emulator at ${emulatorUrl} (nothing reaches Twilio).`);

  // A fresh emulator forgets its Services when it stops: leave .twiliodeployinfo as it was, or the next
  // rehearsal would look for a Service that no longer exists.
  const deployInfo = path.join(cwd, '.twiliodeployinfo');
  const before = existsSync(deployInfo) ? readFileSync(deployInfo) : null;
  const credentials = useApiKey
    ? ['--username', DEFAULT_API_KEY.sid, '--password', DEFAULT_API_KEY.secret]
    : ['--username', readSeedFile().accountSid, '--password', DEFAULT_AUTH_TOKEN];
  try {
    const code = await deploy([...argv, ...credentials, ...folders], {
      nodeArgs: ['--require', require.resolve('tsx/cjs'), '--require', PRELOAD],
      env: { DEPLOY_REHEARSAL_URL: emulatorUrl },
      emulatorUrl,
      command,
    });
    const { services } = (await (await fetch(`${emulatorUrl}/__emulator/serverless/services`)).json()) as { services: DeployedService[] };
    if (code === 0) console.log(`\n${describeDeployed(services)}`);
    // twilio-run reports a failed build as "undefined": Twilio's build resource has no reason; the emulator keeps one.
    else for (const reason of failedBuildReasons(services)) console.error(`The emulator failed the build: ${reason}`);
    return code;
  } finally {
    if (typeof given !== 'string') {
      if (before) writeFileSync(deployInfo, before);
      else rmSync(deployInfo, { force: true });
    }
    await close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`npm run deploy:rehearse: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
