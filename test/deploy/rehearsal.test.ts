import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestEmulator, type TestEmulator } from '../../harness';
import { REHEARSAL_BUILD } from '../../scripts/deploy-rehearsal';
import type { DeployedService } from '../../scripts/deployed-services';

/**
 * `npm run deploy:rehearse`: the real `npm run deploy` (its checks, then the
 * real `twilio-run deploy`) against the emulator's Serverless API, on a copy
 * of the project's settings, from the rehearsal's own build (.build/rehearsal/,
 * type-checked already by `npm test`'s build). What the emulator then has
 * deployed is what Twilio would have.
 */

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
let emulator: TestEmulator;
let project: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ serverlessBuildMs: 100 });
  project = mkdtempSync(path.join(tmpdir(), 'deploy-rehearsal-'));
  copyProject(project);
  writeFileSync(path.join(project, '.env'), 'LOG_LEVEL=warn\nFLEX_ALLOWED_ROLES=supervisor\n');
  writeFileSync(path.join(project, '.env.stage'), 'LOG_LEVEL=debug\n');
  writeFileSync(path.join(project, '.env.left-local'), 'LOG_LEVEL=warn\nTWILIO_API_BASE_URL=http://127.0.0.1:4010\n');
});
afterAll(() => emulator.close());

/** What twilio-run deploy reads besides the build: package.json, .twilioserverlessrc, and a src/ its structure check looks for. */
function copyProject(into: string): void {
  for (const file of ['package.json', '.twilioserverlessrc']) cpSync(path.join(ROOT, file), path.join(into, file));
  mkdirSync(path.join(into, 'src'));
}

/** Runs a script asynchronously: the emulator answers from this same process. */
function run(script: string, args: string[], nodeArgs: string[] = [TSX]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, script, ...args],
      { cwd: ROOT, timeout: 90_000, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

const rehearse = (...args: string[]) =>
  run('scripts/deploy-rehearsal.ts', ['--emulator', emulator.url, '--cwd', project, '--no-typecheck', ...args]);

async function deployed(): Promise<DeployedService[]> {
  return ((await (await fetch(`${emulator.url}/__emulator/serverless/services`)).json()) as { services: DeployedService[] }).services;
}

const serverlessRequests = () => emulator.requests().filter((r) => r.host?.startsWith('serverless'));

test('a first deploy publishes the three functions, on node22, with only the runtime dependencies and the .env variables', async () => {
  const first = await rehearse();
  expect(first.output).toContain('Serverless project successfully deployed');
  expect(first.code).toBe(0);
  const [service, ...others] = await deployed();
  expect(others).toEqual([]);
  const [dev] = service!.environments;
  expect(dev!.build!.functions.map(({ path, visibility }) => ({ path, visibility }))).toEqual(
    expect.arrayContaining([
      { path: '/interaction', visibility: 'public' },
      { path: '/studio/interaction', visibility: 'protected' },
      { path: '/webhooks/interaction', visibility: 'protected' },
    ]),
  );
  expect(dev!.build!.functions).toHaveLength(3);
  expect(dev!.build!.runtime).toBe('node22');
  expect(Object.fromEntries(dev!.build!.dependencies.map((d) => [d.name, d.version]))).toEqual(PKG.dependencies);
  expect(dev!.variables).toEqual({ LOG_LEVEL: 'warn', FLEX_ALLOWED_ROLES: 'supervisor' });
  expect(first.output).toMatch(/Variables on environment dev-environment \(ZE[0-9a-f]{32}\): only what \.env sets\./);
  expect(JSON.parse(readFileSync(path.join(project, '.twiliodeployinfo'), 'utf8'))).toMatchObject({
    [`${emulator.accountSid}:us1`]: { serviceSid: service!.sid },
  });
}, 120_000);

test('a second rehearsal redeploys to the same Service, named by .twiliodeployinfo', async () => {
  const [before] = await deployed();
  emulator.clearRequests();
  const again = await rehearse();
  expect(again.code).toBe(0);
  const [after, ...others] = await deployed();
  expect(others).toEqual([]);
  expect(after!.sid).toBe(before!.sid);
  expect(after!.environments[0]!.build!.sid).not.toBe(before!.environments[0]!.build!.sid);
  expect(emulator.requests().map((r) => r.operationId)).not.toContain('CreateService');
}, 120_000);

test('a setting taken out of .env stays on the environment: the rehearsal names it and the command that removes it', async () => {
  writeFileSync(path.join(project, '.env'), 'LOG_LEVEL=warn\n');
  const kept = await rehearse();
  expect(kept.code).toBe(0);
  expect(kept.output).toMatch(
    /Still on environment dev-environment \(ZE[0-9a-f]{32}\), though \.env does not set them: FLEX_ALLOWED_ROLES\./,
  );
  expect((await deployed())[0]!.environments[0]!.variables).toEqual({ LOG_LEVEL: 'warn', FLEX_ALLOWED_ROLES: 'supervisor' });

  const command = kept.output.match(/^ {2}npm run deploy:rehearse -- (.*--prune-variables)$/m)![1]!;
  expect(command).toBe(`--emulator ${emulator.url} --cwd ${project} --no-typecheck --prune-variables`);
  emulator.clearRequests();
  const pruned = await run('scripts/deploy-rehearsal.ts', command.split(' '));
  expect(pruned.code).toBe(0);
  expect(pruned.output).toMatch(
    /Removed from environment dev-environment \(ZE[0-9a-f]{32}\), as \.env no longer sets them: FLEX_ALLOWED_ROLES\./,
  );
  expect((await deployed())[0]!.environments[0]!.variables).toEqual({ LOG_LEVEL: 'warn' });
  expect(serverlessRequests().filter((r) => r.operationId === 'DeleteVariable')).toHaveLength(1);
}, 120_000);

test('as CI would: an API key, the Service SID, and --environment stage deploying .env.stage to its own environment', async () => {
  // .twiliodeployinfo is keyed by account SID, so a deploy with an API key names its Service itself.
  const [existing] = await deployed();
  const staged = await rehearse('--api-key', '--service-sid', existing!.sid, '--environment', 'stage');
  expect(staged.code).toBe(0);
  const [service] = await deployed();
  const stage = service!.environments.find((e) => e.domain_name.includes('-stage'));
  expect(stage!.variables).toEqual({ LOG_LEVEL: 'debug' });
  expect(stage!.build!.functions).toHaveLength(3);
}, 120_000);

test('with an API key and no --service-sid, a second deploy is refused: only --service-sid names the Service', async () => {
  // .twiliodeployinfo is keyed by account SID, and twilio-run takes over a Service by name only when told to.
  const ci = mkdtempSync(path.join(tmpdir(), 'deploy-rehearsal-ci-'));
  copyProject(ci);
  writeFileSync(path.join(ci, 'package.json'), JSON.stringify({ ...PKG, name: 'enrichment-from-ci' }));
  writeFileSync(path.join(ci, '.env'), 'LOG_LEVEL=info\n');
  const withApiKey = (...args: string[]) =>
    run('scripts/deploy-rehearsal.ts', ['--emulator', emulator.url, '--cwd', ci, '--no-typecheck', '--api-key', ...args]);
  const serviceNamed = async (name: string) => (await deployed()).find((service) => service.unique_name === name);

  const first = await withApiKey();
  expect(first.code).toBe(0);
  // Found after the deploy by its unique name, as nothing else names it.
  expect(first.output).toMatch(/Variables on environment dev-environment \(ZE[0-9a-f]{32}\): only what \.env sets\./);
  expect(existsSync(path.join(ci, '.twiliodeployinfo'))).toBe(false);
  const created = await serviceNamed('enrichment-from-ci');

  emulator.clearRequests();
  const second = await withApiKey();
  expect(second.code).not.toBe(0);
  expect(second.output.replace(/\s*│\s*/g, ' ')).toContain(
    `Service with name "enrichment-from-ci" already exists with SID "${created!.sid}"`,
  );
  expect(serverlessRequests().map((r) => r.operationId)).not.toContain('CreateBuild');

  const third = await withApiKey('--service-sid', created!.sid);
  expect(third.code).toBe(0);
  const redeployed = await serviceNamed('enrichment-from-ci');
  expect(redeployed!.environments[0]!.build!.sid).not.toBe(created!.environments[0]!.build!.sid);
}, 120_000);

test('a build that fails is explained: twilio-run cannot say why, the rehearsal prints the reason the emulator kept', async () => {
  await fetch(`${emulator.url}/__emulator/serverless/next-build-failure`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason: 'npm install failed for lru-cache' }),
  });
  const failed = await rehearse();
  expect(failed.code).not.toBe(0);
  expect(failed.output).toContain('Failed Deployment');
  expect(failed.output).toMatch(/The emulator failed the build: ZB[0-9a-f]{32}: npm install failed for lru-cache/);
}, 120_000);

test('TWILIO_API_BASE_URL in the settings file stops the deploy before anything is uploaded, and says why', async () => {
  emulator.clearRequests();
  const stopped = await rehearse('--env', '.env.left-local');
  expect(stopped.code).toBe(1);
  expect(stopped.output).toMatch(/stopped before uploading anything:\n\s+- .*TWILIO_API_BASE_URL/);
  expect(serverlessRequests()).toEqual([]);
}, 60_000);

test('--emulator naming another host, even over https, is refused before the deploy starts: its credentials would go there', async () => {
  const remote = await run('scripts/deploy-rehearsal.ts', [
    '--emulator',
    'https://twilio-double.invalid',
    '--cwd',
    project,
    '--no-typecheck',
  ]);
  expect(remote.code).toBe(1);
  expect(remote.output).toMatch(/npm run deploy:rehearse: --emulator may only name a loopback address/);
  expect(remote.output).not.toMatch(/TWILIO_API_BASE_URL_ALLOW_REMOTE/);
  expect(remote.output).not.toMatch(/Rehearsing the deploy|Deploy check/);
}, 60_000);

test("a runtime handler Twilio refuses, sent anyway by twilio-run itself, fails with Twilio's 20001 and its message", async () => {
  const refused = mkdtempSync(path.join(tmpdir(), 'deploy-refused-'));
  copyProject(refused);
  cpSync(path.join(ROOT, 'dist'), path.join(refused, 'dist'), { recursive: true });
  writeFileSync(
    path.join(refused, 'package.json'),
    JSON.stringify({ ...PKG, dependencies: { ...PKG.dependencies, '@twilio/runtime-handler': '2.1.0' } }),
  );
  const preload = ['--require', require.resolve('tsx/cjs'), '--require', path.join(ROOT, 'emulator/deploy-rehearsal/route-to-emulator.ts')];
  const credentials = ['--username', emulator.accountSid, '--password', emulator.authToken];
  const twilioRun = path.join(ROOT, 'node_modules/twilio-run/bin/twilio-run.js');
  process.env.DEPLOY_REHEARSAL_URL = emulator.url;
  try {
    const answer = await run(twilioRun, ['deploy', '--cwd', refused, '--service-name', 'refused-handler', ...credentials], preload);
    expect(answer.code).not.toBe(0);
    expect(answer.output.replace(/\s*│\s*/g, ' ')).toMatch(/20001.*No matching version found for @twilio\/runtime-handler@2\.1\.0/s);
  } finally {
    delete process.env.DEPLOY_REHEARSAL_URL;
  }
}, 120_000);

test('without --emulator it starts its own, deploys, shows what is deployed as the docs show it, and leaves no .twiliodeployinfo behind', async () => {
  const fresh = mkdtempSync(path.join(tmpdir(), 'deploy-rehearsal-own-'));
  copyProject(fresh);
  const own = await run('scripts/deploy-rehearsal.ts', ['--cwd', fresh, '--no-typecheck']);
  expect(own.code).toBe(0);
  // docs/deploying.md shows what a rehearsal prints (npm run docs writes it), SIDs and domain digits aside.
  const sample = readFileSync(path.join(ROOT, 'docs/deploying.md'), 'utf8').match(/```text\n(Deployed on the emulator:\n[^`]*)```/)![1]!;
  const printed = own.output.match(/Deployed on the emulator:\n( .*\n?)*/)![0];
  const anySids = (text: string) =>
    text
      .trim()
      .replace(/Z[SEB][0-9a-f]{32}/g, 'Z…')
      .replace(/-\d{4}-dev\./g, '-NNNN-dev.');
  expect(anySids(printed)).toBe(anySids(sample));
  expect(existsSync(path.join(fresh, '.twiliodeployinfo'))).toBe(false);
}, 120_000);

test('a rehearsal builds into .build/rehearsal/ and deploys from there: dist/, which npm start serves, is left as it was', async () => {
  const before = buildOutputs(path.join(ROOT, 'dist'));
  expect(before.size).toBeGreaterThan(0);
  const started = Date.now();
  const rehearsal = await rehearse();
  expect(rehearsal.code).toBe(0);
  expect(buildOutputs(path.join(ROOT, 'dist'))).toEqual(before);
  const ownBuild = buildOutputs(REHEARSAL_BUILD);
  expect([...ownBuild.keys()].filter((file) => file.endsWith('.js')).sort()).toEqual([
    'interaction.js',
    'studio/interaction.protected.js',
    'webhooks/interaction.protected.js',
  ]);
  expect(Math.min(...ownBuild.values())).toBeGreaterThanOrEqual(started - 1000);
}, 120_000);

/** The bundles a build writes under `dir`/functions, each with when it was written (a rebuild writes them all again). */
function buildOutputs(dir: string): Map<string, number> {
  const functions = path.join(dir, 'functions');
  return new Map(
    readdirSync(functions, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(functions, file), statSync(file).mtimeMs];
      }),
  );
}
