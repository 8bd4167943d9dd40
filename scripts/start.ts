// npm start: builds, starts the local Twilio API emulator and `twilio-run start` on dist/ against it,
// behind a front door that checks X-Twilio-Signature on protected Functions as Twilio's gateway does
// (local/front-door.ts), and prints where everything is. With real credentials in .env (ACCOUNT_SID and
// AUTH_TOKEN, no TWILIO_API_BASE_URL) the same functions run against Twilio itself and no emulator is started.
//
// Run as `node --require tsx/cjs scripts/start.ts`: one process, whose children are the emulator and twilio-run, and
// tsx's CommonJS hook, which loads this file on any Node.js tsx supports, so that checkNode can say what is wrong.
// Only Node.js's own modules are imported here: the checks that Node.js is recent enough and that `npm ci` has run
// come before anything from node_modules is loaded (the front door, through loadFrontDoor).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import util from 'node:util';
import type * as FrontDoorModule from '../local/front-door';

const root = path.resolve(__dirname, '..');
const TWILIO_RUN = path.join(root, 'node_modules/twilio-run/bin/twilio-run.js');
const DEFAULT_FUNCTIONS_PORT = 3000;
const DEFAULT_HOST = '127.0.0.1';
/** Makes twilio-run's listen, which takes no host, bind 127.0.0.1: only the front door faces callers. */
const LOOPBACK_PRELOAD = path.join(root, 'local/listen-on-loopback.cjs');
/** The emulator's own default (emulator/server.ts). */
const DEFAULT_EMULATOR_PORT = 4010;
const STARTUP_TIMEOUT_MS = 60_000;
/** The banner's Flex token lasts a day, the longest the emulator mints (MAX_FLEX_TOKEN_TTL_SECONDS, emulator/store.ts). */
const BANNER_TOKEN_TTL_SECONDS = 86_400;

const USAGE = `Usage: npm start -- [options]

  --port <n>           port of the functions, default ${DEFAULT_FUNCTIONS_PORT}
  --host <address>     address the functions listen on, default ${DEFAULT_HOST} (this machine only);
                       0.0.0.0 lets other machines call them
  --no-signatures      let unsigned requests reach the protected functions; by default they need a
                       valid X-Twilio-Signature, as Twilio's gateway requires once deployed
  --emulator-port <n>  port of the local Twilio API emulator, default ${DEFAULT_EMULATOR_PORT}
  --no-rate-limits     let the emulator answer every request; by default it keeps Twilio's rate limits
                       (20/s per Flex Interactions operation, 20 reads and 20 writes/s per Sync object)
                       and answers 429 past them, as Twilio does
  --env <file>         settings file, default .env (see .env.example)
  --skip-build         serve the dist/ already built instead of building first
  --help               show this help`;

class StartError extends Error {}

interface StartOptions {
  help: boolean;
  functionsPort: number;
  host: string;
  checkSignatures: boolean;
  emulatorPort: number;
  rateLimits: boolean;
  envFile: string;
  envFileGiven: boolean;
  build: boolean;
}

/** A child process and what it printed. */
interface ChildRecord {
  name: string;
  child: ChildProcess;
  /** Its last 200 lines, for error messages. */
  output: string[];
  /** Where its lines go as they come, once set. */
  echo: ((line: string) => void) | undefined;
  /** Set once the start is over: from then on its exit is a failure. */
  serving: boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A seeded interaction, as the emulator's GET /__emulator/interactions lists it. */
interface SeededInteraction {
  sid: string;
  channelType: string;
  label: string;
  /** The transfers on its channel, for a caller's TransferSid. */
  transfers: Array<{ sid: string; type: string; status: string }>;
}

interface RunningEmulator {
  record: ChildRecord;
  url: string;
  interactions: SeededInteraction[];
  token: string;
  identity: string;
  /** When the token expires, as the emulator minted it. */
  tokenExpiration: string;
  credentials: { accountSid: string; authToken: string };
  /** Whether it keeps Twilio's rate limits. */
  rateLimits: boolean;
}

const children: ChildRecord[] = [];
let tempDir: string | undefined;
let frontDoor: FrontDoorModule.FrontDoor | undefined;
let stopping = false;

function step(text: string): void {
  console.log(`\n> ${text}`);
}
function detail(text: string): void {
  console.log(`  ${text}`);
}
/** Whole hours from now until `isoDate`. */
function hoursUntil(isoDate: string): number {
  return Math.round((Date.parse(isoDate) - Date.now()) / 3_600_000);
}
function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function readOptions(): StartOptions {
  let values;
  try {
    ({ values } = util.parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'no-signatures': { type: 'boolean' },
        'emulator-port': { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        env: { type: 'string' },
        'skip-build': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new StartError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const port = (name: 'port' | 'emulator-port', fallback: number) => {
    const raw = values[name] ?? String(fallback);
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 1 || value > 65535)
      throw new StartError(`--${name} must be a port from 1 to 65535, got "${raw}".\n\n${USAGE}`);
    return value;
  };
  return {
    help: values.help === true,
    functionsPort: port('port', DEFAULT_FUNCTIONS_PORT),
    host: values.host ?? DEFAULT_HOST,
    checkSignatures: values['no-signatures'] !== true,
    emulatorPort: port('emulator-port', DEFAULT_EMULATOR_PORT),
    rateLimits: values['no-rate-limits'] !== true,
    envFile: path.resolve(values.env ?? path.join(root, '.env')),
    envFileGiven: values.env !== undefined,
    build: values['skip-build'] !== true,
  };
}

/** The oldest Node.js that package.json's `engines` accepts (a test keeps the two equal); util.parseEnv needs 20.12. */
export const OLDEST_NODE = '20.19';

function checkNode(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const [oldestMajor, oldestMinor] = OLDEST_NODE.split('.').map(Number) as [number, number];
  if (major < oldestMajor || (major === oldestMajor && minor < oldestMinor) || typeof util.parseEnv !== 'function')
    throw new StartError(
      `npm start needs Node.js ${OLDEST_NODE} or later; this is ${process.version}. Install a newer Node.js, then \`npm ci\`.`,
    );
}

function checkInstalled(): void {
  const missing = ['twilio-run', 'esbuild', 'typescript', 'tsx'].filter(
    (name) => !existsSync(path.join(root, 'node_modules', name, 'package.json')),
  );
  if (missing.length > 0)
    throw new StartError(
      `The build tools are not installed (missing: ${missing.join(', ')}). Run \`npm ci\` in ${root}, then \`npm start\` again.`,
    );
}

function readSettings(file: string, given: boolean): { settings: Record<string, string | undefined>; found: boolean } {
  if (!existsSync(file)) {
    if (given) throw new StartError(`The settings file ${file} does not exist.`);
    return { settings: {}, found: false };
  }
  try {
    return { settings: util.parseEnv(readFileSync(file, 'utf8')), found: true };
  } catch (error) {
    throw new StartError(`${file} could not be read as KEY=value lines: ${(error as Error).message}`);
  }
}

/** Whether `port` can be listened on, checked on every interface. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

async function requireFreePort(port: number, what: string, flag: string): Promise<void> {
  if (await portIsFree(port)) return;
  throw new StartError(
    `Port ${port} (${what}) is already in use, perhaps by another \`npm start\`. Stop whatever listens there ` +
      `(\`lsof -i :${port}\` names it), or pick another port: npm start -- ${flag} ${port + 1}`,
  );
}

/** A port free on loopback, for twilio-run behind the front door. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Runs a child with its output collected (the last lines, for error messages) and echoed through `echo` when set. */
function spawnCollecting(name: string, args: string[], options: SpawnOptions): ChildRecord {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const record: ChildRecord = {
    name,
    child,
    output: [],
    echo: undefined,
    serving: false,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  const collect = (chunk: Buffer) => {
    const lines = chunk
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    record.output.push(...lines);
    if (record.output.length > 200) record.output.splice(0, record.output.length - 200);
    if (record.echo) lines.forEach(record.echo);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return record;
}

/** A child that runs until Ctrl-C: if it dies once serving, the other one is stopped too. */
function startService(name: string, args: string[], options: SpawnOptions): ChildRecord {
  const record = spawnCollecting(name, args, options);
  children.push(record);
  void record.exited.then(({ code, signal }) => {
    if (stopping || !record.serving) return;
    console.error(`\n${name} stopped unexpectedly (${signal ?? `exit code ${code}`}). Its last output:\n${lastLines(record)}`);
    console.error('Run `npm start` again; if it keeps stopping, the output above says why.');
    void stopAll(1);
  });
  return record;
}

function lastLines(record: ChildRecord, count = 20): string {
  return (
    record.output
      .slice(-count)
      .map((line) => `  | ${line}`)
      .join('\n') || '  | (nothing)'
  );
}

/** Polls `probe` until it succeeds; fails early, with the child's output, if the child exits. */
async function waitUntilReady(record: ChildRecord, probe: () => Promise<unknown>, advice: string): Promise<void> {
  const started = Date.now();
  let exit: Awaited<ChildRecord['exited']> | undefined;
  void record.exited.then((value) => {
    exit = value;
  });
  for (;;) {
    if (exit) {
      const output = record.output.join('\n');
      const cause = /EADDRINUSE|already in use/i.test(output) ? 'its port is in use: pick another port (see --help)' : advice;
      throw new StartError(
        `${record.name} exited while starting (${exit.signal ?? `exit code ${exit.code}`}): ${cause}.\n${lastLines(record)}`,
      );
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > STARTUP_TIMEOUT_MS)
      throw new StartError(`${record.name} did not answer within ${STARTUP_TIMEOUT_MS / 1000} s.\n${lastLines(record)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function build(): Promise<void> {
  const started = Date.now();
  step('Building: esbuild bundles the functions and the console, tsc type-checks');
  const record = spawnCollecting('build', ['--require', 'tsx/cjs', path.join(root, 'scripts/build.ts')], {});
  record.echo = (line) => detail(line.trim());
  const { code } = await record.exited;
  if (code !== 0) throw new StartError('The build failed: fix the errors above, then `npm start` again.');
  detail(`built in ${seconds(started)}`);
}

/** The credentials the running emulator accepts, as its own banner states them. */
function emulatorCredentials(output: string[]): RunningEmulator['credentials'] | undefined {
  const match = /account SID \/ auth token\s+(AC[0-9a-fA-F]{32}) \/ (\S+)/.exec(output.join('\n'));
  return match ? { accountSid: match[1]!, authToken: match[2]! } : undefined;
}

/**
 * Where a browser on this machine opens the console: the front door by name or address. The console
 * calls the emulator's /__emulator/ routes cross-origin, and the emulator allows these origins only.
 */
function consoleOrigins(host: string, port: number): string[] {
  const hosts = ['localhost', '127.0.0.1'];
  if (host !== '0.0.0.0' && host !== '::') hosts.push(host.includes(':') ? `[${host}]` : host);
  return [...new Set(hosts)].map((name) => `http://${name}:${port}`);
}

async function startEmulatorChild(port: number, origins: string[], rateLimits: boolean): Promise<RunningEmulator> {
  const started = Date.now();
  step(`Starting the local Twilio API emulator on 127.0.0.1:${port}`);
  const args = ['--import', 'tsx', path.join(root, 'emulator/cli.ts'), '--port', String(port)];
  args.push('--rate-limits', rateLimits ? 'twilio' : 'off');
  const record = startService('emulator', [...args, ...origins.flatMap((origin) => ['--console-origin', origin])], {});
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(
    record,
    async () => emulatorCredentials(record.output) && (await fetch(`${url}/__emulator/health`)).ok,
    'see its output below',
  );
  const { interactions } = (await (await fetch(`${url}/__emulator/interactions`)).json()) as { interactions: SeededInteraction[] };
  // A token for the ready-made /interaction curl.
  const minted = await fetch(`${url}/__emulator/flex-tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ttl_seconds: BANNER_TOKEN_TTL_SECONDS }),
  });
  if (!minted.ok) throw new StartError(`The emulator did not mint a Flex token (HTTP ${minted.status}).`);
  const { token, identity, expiration } = (await minted.json()) as { token: string; identity: string; expiration: string };
  detail(`${interactions.length} seeded interactions, ready in ${seconds(started)}`);
  return {
    record,
    url,
    interactions,
    token,
    identity,
    tokenExpiration: expiration,
    credentials: emulatorCredentials(record.output)!,
    rateLimits,
  };
}

/** Single quotes keep a value literal in a .env file; values that hold one are double-quoted. */
function envLine(key: string, value: string | undefined): string {
  const text = String(value);
  return /['\n\r]/.test(text) ? `${key}=${JSON.stringify(text)}` : `${key}='${text}'`;
}

/** The functions' .env in emulator mode: the local settings with the emulator's credentials. */
function writeFunctionsEnv(settings: Record<string, string | undefined>): string {
  tempDir = mkdtempSync(path.join(tmpdir(), 'flex-enrichment-start-'));
  chmodSync(tempDir, 0o700);
  const file = path.join(tempDir, '.env');
  writeFileSync(
    file,
    Object.entries(settings)
      .map(([key, value]) => envLine(key, value))
      .join('\n'),
    { mode: 0o600 },
  );
  return file;
}

async function startFunctions(port: number, envFile: string): Promise<{ record: ChildRecord; port: number }> {
  const started = Date.now();
  step(`Starting the functions with twilio-run on 127.0.0.1:${port} (loopback only, behind the front door)`);
  const nodeOptions = [process.env.NODE_OPTIONS, '--enable-source-maps'].filter(Boolean).join(' ');
  const args = ['--require', LOOPBACK_PRELOAD, TWILIO_RUN, 'start', '--env', envFile, '--port', String(port)];
  const record = startService('twilio-run', args, { env: { ...process.env, NODE_OPTIONS: nodeOptions, FORCE_COLOR: '0' } });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(
    record,
    async () => (await fetch(`${url}/interaction`, { method: 'OPTIONS' })).status === 204,
    'see its output below',
  );
  detail(`ready in ${seconds(started)}`);
  return { record, port };
}

/** The front door and what it loads (the twilio helper among them), once checkInstalled has found node_modules. */
function loadFrontDoor(): typeof FrontDoorModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../local/front-door') as typeof FrontDoorModule;
}

async function startFrontDoor(
  door: typeof FrontDoorModule,
  options: {
    host: string;
    port: number;
    functionsPort: number;
    authToken: string;
    checkSignatures: boolean;
    consoleConfig: { emulatorUrl: string | null };
  },
): Promise<void> {
  const { host, port, functionsPort, authToken, checkSignatures, consoleConfig } = options;
  const started = Date.now();
  const paths = await door.servedPaths(root, 'dist/functions', 'dist/assets');
  step(
    `Starting the front door on ${host}:${port}: ` +
      (checkSignatures
        ? `${[...paths.protectedFunctions].join(' and ')} need a valid X-Twilio-Signature, as on Twilio`
        : 'signatures are not checked (--no-signatures)'),
  );
  try {
    frontDoor = await door.startFrontDoor({
      host,
      port,
      functionsPort,
      authToken,
      checkSignatures,
      paths,
      consoleConfig,
      log: (line) => console.log(`[front door] ${line}`),
    });
  } catch (error) {
    throw new StartError(`The front door could not listen on ${host}:${port}: ${(error as Error).message}. Pick another --port or --host.`);
  }
  detail(`ready in ${seconds(started)}`);
}

interface BannerFacts {
  url: string;
  emulator: RunningEmulator | undefined;
  started: number;
  host: string;
  checkSignatures: boolean;
  /** X-Twilio-Signature for a POST of `params` as a form to `url`. */
  sign: (url: string, params: Record<string, string>) => string;
}

function banner({ url, emulator, started, host, checkSignatures, sign }: BannerFacts): void {
  const sid = emulator?.interactions[0]?.sid ?? 'KDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
  const token = emulator ? emulator.token : '<an agent’s Flex token>';
  const tokenInUse = emulator ? 'the emulator’s auth token' : 'the auth token in .env';
  const studioUrl = `${url}/studio/interaction`;
  const webhookUrl = `${url}/webhooks/interaction`;
  const taskAttributes = JSON.stringify({ flexInteractionSid: sid });
  const signature = (endpoint: string, params: Record<string, string>) => `-H 'X-Twilio-Signature: ${sign(endpoint, params)}'`;
  const lines = [
    '',
    emulator
      ? `Ready in ${seconds(started)}: the functions run against the local Twilio API emulator, no Twilio account needed.`
      : `Ready in ${seconds(started)}: the functions run against Twilio itself with the credentials in .env (no emulator).`,
    '',
    'Endpoints',
    `  POST ${url}/interaction            Flex plugins: Token + InteractionSid (public)`,
    `  POST ${url}/studio/interaction     Studio's HTTP Request widget (protected)`,
    `  POST ${url}/webhooks/interaction   TaskRouter event callbacks (protected)`,
    '',
    `Console   ${url}/console/index.html`,
    checkSignatures
      ? `Signatures  checked on the protected endpoints with ${tokenInUse}, as Twilio's gateway does (--no-signatures turns this off)`
      : 'Signatures  not checked (--no-signatures): protected endpoints take unsigned requests, which Twilio refuses once deployed',
  ];
  if (host !== DEFAULT_HOST)
    lines.push(`Listening on ${host}: other machines can call the functions (the console signs only for this one)`);
  const transfers = (emulator?.interactions ?? []).flatMap((interaction) =>
    interaction.transfers.map((transfer) => ({ interaction, transfer })),
  );
  if (emulator) {
    const first = emulator.interactions[0]!;
    lines.push(
      `Emulator  ${emulator.url}  (account ${emulator.credentials.accountSid}, auth token ${emulator.credentials.authToken})`,
      `Seeded    ${sid}  ${first.channelType}: ${first.label} (${emulator.interactions.length} in all: GET ${emulator.url}/__emulator/interactions)`,
      ...transfers.map(
        ({ interaction, transfer }, index) =>
          `${index === 0 ? 'Transfers' : '         '} ${transfer.sid}  ${transfer.type}, ${transfer.status}, on ${interaction.sid} ` +
          `(${interaction.channelType}: ${interaction.label})`,
      ),
      emulator.rateLimits
        ? "Limits    Twilio's rate limits, answered 429 past them as Twilio does (--no-rate-limits turns them off)"
        : 'Limits    none (--no-rate-limits): the emulator answers every request, which Twilio does not',
    );
  } else {
    lines.push('Seeded    none: use an Interaction SID (KD...) of your account in place of the one below');
  }
  lines.push(
    '',
    `Try it (the protected endpoints' curls carry an X-Twilio-Signature made with ${tokenInUse} for exactly this URL and form)`,
    `  curl -s -X POST ${studioUrl} ${signature(studioUrl, { InteractionSid: sid, include: 'all' })} -d InteractionSid=${sid} -d include=all`,
    ...transfers.slice(0, 1).map(({ interaction, transfer }) => {
      const params = { InteractionSid: interaction.sid, TransferSid: transfer.sid };
      return `  curl -s -X POST ${studioUrl} ${signature(studioUrl, params)} -d InteractionSid=${interaction.sid} -d TransferSid=${transfer.sid}`;
    }),
    `  curl -s -X POST ${webhookUrl} ${signature(webhookUrl, { EventType: 'task.created', TaskAttributes: taskAttributes })} ` +
      `-d EventType=task.created --data-urlencode 'TaskAttributes=${taskAttributes}'`,
    `  curl -s -X POST ${url}/interaction -H 'Content-Type: application/json' -d '{"Token":"${token}","InteractionSid":"${sid}"}'`,
    emulator
      ? `  (the Flex token is ${emulator.identity}'s, minted by the emulator for ${hoursUntil(emulator.tokenExpiration)} h: ` +
          `POST ${emulator.url}/__emulator/flex-tokens mints more)`
      : '  (/interaction checks the Flex token with Twilio: copy one from a logged-in Flex UI)',
    '',
    'Logs of both follow. Ctrl-C stops both.',
  );
  console.log(lines.join('\n'));
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const running = children.filter((record) => record.child.exitCode === null && record.child.signalCode === null);
  if (running.length > 0) console.log(`\nStopping ${running.map((record) => record.name).join(' and ')}...`);
  await Promise.all(
    running.map((record) => {
      record.child.kill('SIGTERM');
      const force = setTimeout(() => record.child.kill('SIGKILL'), 5000);
      return record.exited.then(() => clearTimeout(force));
    }),
  );
  await frontDoor?.close();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  process.exit(exitCode);
}

async function main(): Promise<void> {
  const started = Date.now();
  const options = readOptions();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  checkNode();
  checkInstalled();
  const { settings, found } = readSettings(options.envFile, options.envFileGiven);
  const againstTwilio = Boolean(settings.ACCOUNT_SID && settings.AUTH_TOKEN && !settings.TWILIO_API_BASE_URL);
  const emulatorPort = againstTwilio ? undefined : options.emulatorPort;

  console.log(
    againstTwilio
      ? `Using ${options.envFile}: ACCOUNT_SID ${settings.ACCOUNT_SID} against Twilio itself (no emulator).`
      : `${found ? `Settings from ${options.envFile}; running` : 'No .env: running'} on the local Twilio API emulator with its placeholder credentials.`,
  );
  const replaced = ['ACCOUNT_SID', 'AUTH_TOKEN', 'TWILIO_API_BASE_URL'].filter((name) => emulatorPort && settings[name]);
  if (replaced.length > 0) detail(`${replaced.join(', ')} from the settings file are replaced by the emulator's.`);
  await requireFreePort(options.functionsPort, 'functions', '--port');
  if (emulatorPort) await requireFreePort(emulatorPort, 'emulator', '--emulator-port');

  if (options.build) await build();
  else if (!existsSync(path.join(root, 'dist/functions')))
    throw new StartError('dist/ has not been built: run `npm start` without --skip-build.');

  let emulator: RunningEmulator | undefined;
  let envFile = options.envFile;
  if (emulatorPort) {
    emulator = await startEmulatorChild(emulatorPort, consoleOrigins(options.host, options.functionsPort), options.rateLimits);
    const { accountSid, authToken } = emulator.credentials;
    envFile = writeFunctionsEnv({ ...settings, ACCOUNT_SID: accountSid, AUTH_TOKEN: authToken, TWILIO_API_BASE_URL: emulator.url });
  }
  const starting = startFunctions(await freeLoopbackPort(), envFile);
  starting.catch(() => {}); // awaited below; a failure to load the front door comes first
  // Loaded while twilio-run starts in its own process: the twilio helper takes a while to load.
  const door = loadFrontDoor();
  const functions = await starting;
  // Against Twilio, AUTH_TOKEN is in the settings: that is what made this run go to Twilio.
  const authToken = emulator ? emulator.credentials.authToken : settings.AUTH_TOKEN!;
  const { host, checkSignatures, functionsPort: port } = options;
  const consoleConfig = { emulatorUrl: emulator?.url ?? null };
  await startFrontDoor(door, { host, port, functionsPort: functions.port, authToken, checkSignatures, consoleConfig });

  banner({
    url: `http://localhost:${port}`,
    emulator,
    started,
    host,
    checkSignatures,
    sign: (url, params) => door.signatureFor(authToken, url, params),
  });
  for (const record of children) {
    record.serving = true;
    record.echo = (line) => console.log(`[${record.name}] ${line}`);
  }
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

main().catch((error: unknown) => {
  const text = error instanceof StartError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`\nnpm start: ${text}`);
  void stopAll(1);
});
