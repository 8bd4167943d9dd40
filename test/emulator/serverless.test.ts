import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACCEPTED_RUNTIME_HANDLER_VERSIONS } from '../../emulator/serverless/build-rules';
import { startTestEmulator, type TestEmulator } from '../../harness';
import { buildForm, ServerlessCalls } from '../support/serverless';

/** What the Serverless model does: builds that run and settle, Twilio's refusals, deployments, variables, the admin view. */

let emulator: TestEmulator;
let api: ServerlessCalls;
let serviceSid: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ serverlessBuildMs: 100 });
  api = new ServerlessCalls(emulator);
  serviceSid = await api.service('behaviour');
});
afterAll(() => emulator.close());

const handler = (version: string) => [{ name: '@twilio/runtime-handler', version }];
const admin = async () => (await fetch(`${emulator.url}/__emulator/serverless/services`)).json();

test('a build is building at first, then completed, and stays so', async () => {
  const version = await api.functionVersion(serviceSid, '/settles');
  const created = await api.build(serviceSid, buildForm({ functionVersions: [version], dependencies: handler('2.0.1') }));
  expect(created.body).toMatchObject({ status: 'building', runtime: 'node22' });
  expect(await api.settledStatus(serviceSid, created.body.sid)).toBe('completed');
  const fetched = await api.call('GET', `/v1/Services/${serviceSid}/Builds/${created.body.sid}`);
  expect(fetched.body.status).toBe('completed');
  expect(fetched.body.dependencies).toEqual(handler('2.0.1'));
});

test.each(['2.1.0', '2.0.3', '^2.0.1', 'latest', '2.0.4'])(
  '@twilio/runtime-handler %s is refused at build create with 20001',
  async (version) => {
    const answer = await api.build(serviceSid, buildForm({ dependencies: handler(version) }));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(20001);
    expect(answer.body.message).toMatch(
      new RegExp(
        `^Some dependencies could not be validated\\. No matching version found for @twilio/runtime-handler@${version.replace(/[.^]/g, '\\$&')}\\.`,
      ),
    );
  },
);

test("the accepted runtime-handler versions are exact versions from Twilio's list, and the project pins the first", () => {
  for (const version of ACCEPTED_RUNTIME_HANDLER_VERSIONS) expect(version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/);
  expect(ACCEPTED_RUNTIME_HANDLER_VERSIONS).not.toContain('2.1.0');
  expect(ACCEPTED_RUNTIME_HANDLER_VERSIONS).not.toContain('2.0.3');
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  expect(pkg.dependencies['@twilio/runtime-handler']).toBe(ACCEPTED_RUNTIME_HANDLER_VERSIONS[0]);
});

test('node20 no longer accepts new builds; node22 and node24 do', async () => {
  const refused = await api.build(serviceSid, buildForm({ runtime: 'node20' }));
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({ code: 20001, message: expect.stringContaining('node20 no longer accepts new builds') });
  expect((await api.build(serviceSid, buildForm({ runtime: 'node7' }))).status).toBe(400);
  for (const runtime of ['node22', 'node24']) {
    const accepted = await api.build(serviceSid, buildForm({ runtime }));
    expect(accepted.status).toBe(201);
    expect(accepted.body.runtime).toBe(runtime);
  }
});

test('repeated FunctionVersions all go into the build', async () => {
  const versions = [await api.functionVersion(serviceSid, '/one', 'public'), await api.functionVersion(serviceSid, '/two', 'private')];
  const build = await api.build(serviceSid, buildForm({ functionVersions: versions }));
  expect(build.body.function_versions.map((v: { sid: string; path: string }) => [v.sid, v.path])).toEqual([
    [versions[0], '/one'],
    [versions[1], '/two'],
  ]);
});

test('a build naming an unknown Function Version fails once it has run, with the reason in the admin view', async () => {
  const unknown = `ZN${'0'.repeat(32)}`;
  const build = await api.build(serviceSid, buildForm({ functionVersions: [unknown] }));
  expect(build.status).toBe(201);
  expect(await api.settledStatus(serviceSid, build.body.sid)).toBe('failed');
  const view = await admin();
  const failed = view.services[0].builds.find((b: { sid: string }) => b.sid === build.body.sid);
  expect(failed).toMatchObject({ status: 'failed', failure: expect.stringContaining(unknown) });
});

test('the admin API can make the next build fail, and only the next', async () => {
  const put = await fetch(`${emulator.url}/__emulator/serverless/next-build-failure`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason: 'npm install failed' }),
  });
  expect(put.status).toBe(200);
  const failing = await api.build(serviceSid, buildForm({}));
  const passing = await api.build(serviceSid, buildForm({}));
  expect(await api.settledStatus(serviceSid, failing.body.sid)).toBe('failed');
  expect(await api.settledStatus(serviceSid, passing.body.sid)).toBe('completed');
});

test("a deployment makes the build the environment's; a build still running cannot be deployed", async () => {
  const environment = await api.environment(serviceSid, 'deploy');
  const deployments = `/v1/Services/${serviceSid}/Environments/${environment.sid}/Deployments`;
  const build = await api.build(serviceSid, buildForm({ functionVersions: [await api.functionVersion(serviceSid, '/deployed')] }));
  const early = await api.call('POST', deployments, { form: { BuildSid: build.body.sid } });
  expect(early.status).toBe(400);
  expect(early.body.message).toContain('building');

  await api.settledStatus(serviceSid, build.body.sid);
  expect((await api.call('POST', deployments, { form: { BuildSid: build.body.sid } })).status).toBe(201);
  const fetched = await api.call('GET', `/v1/Services/${serviceSid}/Environments/${environment.sid}`);
  expect(fetched.body.build_sid).toBe(build.body.sid);
  expect(fetched.body.domain_name).toMatch(/^behaviour-\d{4}-deploy\.twil\.io$/);
});

test('variables: created, then updated by SID; the admin view shows the environment and its deployed functions', async () => {
  const environment = await api.environment(serviceSid, 'vars');
  const variables = `/v1/Services/${serviceSid}/Environments/${environment.sid}/Variables`;
  const created = await api.call('POST', variables, { form: { Key: 'FLEX_ALLOWED_ROLES', Value: 'agent' } });
  expect((await api.call('POST', variables, { form: { Key: 'FLEX_ALLOWED_ROLES', Value: 'again' } })).status).toBe(400);
  const updated = await api.call('POST', `${variables}/${created.body.sid}`, { form: { Key: 'FLEX_ALLOWED_ROLES', Value: 'supervisor' } });
  expect(updated.body.value).toBe('supervisor');

  const build = await api.build(
    serviceSid,
    buildForm({ functionVersions: [await api.functionVersion(serviceSid, '/interaction', 'public')], dependencies: handler('2.0.1') }),
  );
  await api.settledStatus(serviceSid, build.body.sid);
  await api.call('POST', `/v1/Services/${serviceSid}/Environments/${environment.sid}/Deployments`, { form: { BuildSid: build.body.sid } });

  const view = await admin();
  const shown = view.services[0].environments.find((e: { sid: string }) => e.sid === environment.sid);
  expect(shown).toEqual({
    sid: environment.sid,
    unique_name: 'vars-environment',
    domain_suffix: 'vars',
    domain_name: environment.domain_name,
    build: {
      sid: build.body.sid,
      status: 'completed',
      runtime: 'node22',
      dependencies: handler('2.0.1'),
      functions: [{ path: '/interaction', visibility: 'public', sid: expect.stringMatching(/^ZN/), bytes: expect.any(Number) }],
      assets: [],
      failure: null,
    },
    variables: { FLEX_ALLOWED_ROLES: 'supervisor' },
  });
});

test('a reset forgets every service', async () => {
  const other = await startTestEmulator();
  try {
    await new ServerlessCalls(other).service('forgotten');
    expect((await fetch(`${other.url}/__emulator/reset`, { method: 'POST' })).status).toBe(204);
    expect(await (await fetch(`${other.url}/__emulator/serverless/services`)).json()).toEqual({ services: [] });
  } finally {
    await other.close();
  }
});
