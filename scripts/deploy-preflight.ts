import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_API_KEY, DEFAULT_AUTH_TOKEN } from '../emulator/server';
import { readSeedFile } from '../emulator/seed';
import { ACCEPTED_RUNTIME_HANDLER_VERSIONS, SUPPORTED_RUNTIMES } from '../emulator/serverless/build-rules';
import { parseConfig, SETTINGS } from '../src/core/config';

/**
 * What `npm run deploy` checks before `twilio-run deploy` uploads anything:
 * that Twilio would accept the build (an exact runtime-handler version from
 * its list, a runtime it builds on), and that nothing meant for local runs
 * goes up (the emulator switch, the emulator's placeholder credentials, a
 * secret the functions never read). The variables checked are exactly the
 * ones twilio-run would upload: read with its own .env reader and filter.
 */

/** Settings that only make sense locally: deployed, they would send the account's credentials elsewhere. */
export const LOCAL_ONLY_SETTINGS = ['TWILIO_API_BASE_URL', 'TWILIO_API_BASE_URL_ALLOW_REMOTE'] as const;

export interface DeployArguments {
  /**
   * Everything given after `npm run deploy --` but this script's own flag (--prune-variables), passed on to
   * twilio-run as is (with --env added when chosen here).
   */
  passThrough: string[];
  env?: string;
  environment?: string;
  production: boolean;
  cwd?: string;
  runtime?: string;
  username?: string;
  password?: string;
  serviceSid?: string;
  serviceName?: string;
  region?: string;
  loadSystemEnv: boolean;
  /** After the deploy, remove the environment's variables that the settings file no longer sets. */
  pruneVariables: boolean;
}

export interface DeployPlan {
  /** The settings file twilio-run reads, or null when there is none. */
  envFile: string | null;
  /** The arguments for `twilio-run deploy`. */
  twilioRunArgs: string[];
  /** The Service variables twilio-run would upload. */
  variables: Record<string, string>;
  runtime: string;
  runtimeHandler: string | undefined;
  /** The credentials twilio-run deploys with, found as it finds them: the flags, else the settings file. */
  credentials: { username: string; password: string; accountSid: string | undefined };
  /** Everything that stops the deploy, each naming what to change. */
  problems: string[];
}

const VALUE_FLAGS = {
  '--cwd': 'cwd',
  '--env': 'env',
  '--environment': 'environment',
  '--to': 'environment',
  '--runtime': 'runtime',
  '--username': 'username',
  '-u': 'username',
  '--password': 'password',
  '--service-sid': 'serviceSid',
  '--service-name': 'serviceName',
  '-n': 'serviceName',
  '--region': 'region',
} as const;

const PRUNE_VARIABLES = '--prune-variables';

/** Reads the few twilio-run deploy flags the checks need; every argument but this script's own is passed on. */
export function readDeployArguments(argv: string[]): DeployArguments {
  const read: DeployArguments = {
    passThrough: argv.filter((arg) => arg !== PRUNE_VARIABLES),
    production: false,
    loadSystemEnv: false,
    pruneVariables: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--load-system-env') read.loadSystemEnv = true;
    if (arg === '--production') read.production = true;
    if (arg === PRUNE_VARIABLES) read.pruneVariables = true;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS];
    if (!key) continue;
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i += 1;
    if (value !== undefined) read[key] = value;
  }
  return read;
}

/**
 * Whether a setting's name looks like it holds a secret: one of its words (split at `_`, `-` and camelCase, in any
 * case) holds SECRET, TOKEN, PASSWORD, PASSWD or CREDENTIAL, or is KEY, KEYS, APIKEY, PASS, PWD or AUTH. The short
 * ones count as whole words only, so WEBHOOK_WRITE_BACK_KEY looks like one but MONKEY_MODE and AUTHOR do not.
 */
export function looksLikeSecret(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/);
  return words.some((word) => /SECRET|TOKEN|PASSW(OR)?D|CREDENTIAL/.test(word) || /^((API)?KEYS?|PASS|PWD|AUTH)$/.test(word));
}

/** The variables to upload that look like secrets and that no function reads (see SETTINGS): they have no reason to go up. */
export function unreadSecrets(variables: Record<string, string>): string[] {
  return Object.keys(variables).filter((name) => !(name in SETTINGS) && looksLikeSecret(name));
}

type EnvReader = {
  readLocalEnvFile(flags: object): Promise<{ localEnv: Record<string, string>; envPath: string }>;
  filterEnvVariablesForDeploy(env: Record<string, string>): Record<string, string>;
};

export async function planDeploy(root: string, args: DeployArguments, options: { rehearsal: boolean }): Promise<DeployPlan> {
  const problems: string[] = [];

  // Per-stage settings: `--environment stage` reads .env.stage, and never falls back to the local .env.
  let envFlag = args.env;
  if (envFlag === undefined && args.environment && !args.environment.startsWith('ZE')) {
    const stageFile = `.env.${args.environment}`;
    if (existsSync(path.join(root, stageFile))) envFlag = stageFile;
    else
      problems.push(
        `There is no ${stageFile} for the "${args.environment}" environment: create it from .env.example with that stage's settings, ` +
          'or name a settings file with --env <file>.',
      );
  }
  const envPath = path.resolve(root, envFlag ?? '.env');
  if (envFlag !== undefined && !existsSync(envPath)) problems.push(`The settings file ${envFlag} does not exist.`);

  // twilio-run's own reader and filter, so the checks see exactly what it would upload.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const envReader = require('twilio-run/dist/config/utils/env') as EnvReader;
  let localEnv: Record<string, string> = {};
  if (existsSync(envPath)) {
    try {
      ({ localEnv } = await envReader.readLocalEnvFile({
        cwd: root,
        env: path.relative(root, envPath),
        loadSystemEnv: args.loadSystemEnv,
      }));
    } catch (error) {
      problems.push(`${path.relative(root, envPath)} could not be read: ${(error as Error).message}`);
    }
  }
  const variables = envReader.filterEnvVariablesForDeploy(localEnv);

  const localOnly = LOCAL_ONLY_SETTINGS.filter((name) => name in variables);
  if (localOnly.length > 0)
    problems.push(
      `${path.relative(root, envPath)} sets ${localOnly.join(' and ')}, which would be uploaded as Service variables: ` +
        'deployed, the functions would send the account credentials to that address. Remove it from the file you deploy ' +
        '(keep local settings in .env and deploy with --environment <stage> and a .env.<stage>).',
    );
  const secrets = unreadSecrets(variables);
  if (secrets.length > 0) {
    const [them, look] = secrets.length === 1 ? ['it', 'looks like a secret'] : ['them', 'look like secrets'];
    problems.push(
      `${path.relative(root, envPath)} sets ${secrets.join(', ')}, which ${look} the functions never read: twilio-run would ` +
        `upload ${them} as Service variables, which anyone who can open the Service in the Console can read. Remove ${them} ` +
        'from the file you deploy: the deploy itself takes its credentials from ACCOUNT_SID and AUTH_TOKEN, which are never ' +
        'uploaded, or from --username and --password; a setting a function reads is declared in SETTINGS (src/core/config.ts).',
    );
  }
  const placeholders = emulatorPlaceholders();
  const placeholderKeys = Object.entries(variables)
    .filter(([, value]) => placeholders.has(value))
    .map(([key]) => key);
  if (placeholderKeys.length > 0)
    problems.push(`${placeholderKeys.join(', ')} hold the local emulator's placeholder credentials: set the account's own or remove them.`);

  const username = args.username || localEnv.ACCOUNT_SID || '';
  const password = args.password || localEnv.AUTH_TOKEN || '';
  if (!options.rehearsal && (placeholders.has(username) || placeholders.has(password)))
    problems.push(
      "The deploy credentials are the local emulator's placeholders: set your account's ACCOUNT_SID and AUTH_TOKEN " +
        '(or an API key with --username SK... --password ...) in the settings file or the flags.',
    );

  try {
    parseConfig(variables);
  } catch (error) {
    problems.push(`The deployed functions would refuse every request: ${(error as Error).message}`);
  }

  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const runtimeHandler = pkg.dependencies?.['@twilio/runtime-handler'];
  if (!runtimeHandler || !ACCEPTED_RUNTIME_HANDLER_VERSIONS.includes(runtimeHandler))
    problems.push(
      `package.json pins @twilio/runtime-handler ${runtimeHandler ?? '(missing)'}, which Twilio refuses at deploy (error 20001). ` +
        `Pin an exact version Twilio accepts, e.g. \`npm install --save-exact @twilio/runtime-handler@${ACCEPTED_RUNTIME_HANDLER_VERSIONS[0]}\` ` +
        `(accepted: ${ACCEPTED_RUNTIME_HANDLER_VERSIONS.join(', ')}).`,
    );
  const runtime = args.runtime ?? readRuntime(root);
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime))
    problems.push(
      `The runtime ${runtime} takes no new builds on Twilio: set "runtime" in .twilioserverlessrc to one of ${SUPPORTED_RUNTIMES.join(', ')}.`,
    );

  const twilioRunArgs = ['deploy', ...args.passThrough, ...(args.env === undefined && envFlag !== undefined ? ['--env', envFlag] : [])];
  const accountSid = [username, localEnv.ACCOUNT_SID].find((sid) => sid?.startsWith('AC'));
  return {
    envFile: existsSync(envPath) ? envPath : null,
    twilioRunArgs,
    variables,
    runtime,
    runtimeHandler,
    credentials: { username, password, accountSid },
    problems,
  };
}

function readRuntime(root: string): string {
  const rc = JSON.parse(readFileSync(path.join(root, '.twilioserverlessrc'), 'utf8')) as { runtime?: unknown };
  return typeof rc.runtime === 'string' ? rc.runtime : '(unset)';
}

/** The emulator's account SID, auth token and API key: values that never belong on Twilio. */
function emulatorPlaceholders(): Set<string> {
  return new Set([readSeedFile().accountSid, DEFAULT_AUTH_TOKEN, DEFAULT_API_KEY.sid, DEFAULT_API_KEY.secret]);
}
