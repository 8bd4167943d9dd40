import { startTestEmulator, type TestEmulator } from '../../harness';
import { rawRequest, type RawAnswer } from '../support/raw-api';
import { buildForm, ServerlessCalls } from '../support/serverless';
import { undeclaredProperties, validateAgainstSpec, validateTwilioError } from '../support/twilio-oai';

/**
 * Every Serverless answer the emulator gives, checked against
 * twilio_serverless_v1.json: success bodies against the operation's schema,
 * with no property the spec does not declare; errors against Twilio's error
 * schema. Version uploads (serverless-upload.twilio.com) are not in
 * twilio-oai: their answer is checked as the Version resource it creates.
 */

let emulator: TestEmulator;
let api: ServerlessCalls;
let serviceSid: string;
let environment: Record<string, any>;
let functionSid: string;
let assetSid: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ serverlessBuildMs: 20 });
  api = new ServerlessCalls(emulator);
  serviceSid = await api.service('contract-service');
  environment = await api.environment(serviceSid);
});
afterAll(() => emulator.close());

function expectSpecResponse(operationId: string, answer: RawAnswer, status: number, listKey?: string, specStatus = status) {
  expect(answer.status).toBe(status);
  expect(validateAgainstSpec(operationId, specStatus, answer.body)).toEqual([]);
  expect(undeclaredProperties(operationId, specStatus, answer.body, listKey)).toEqual([]);
}

function expectTwilioError(answer: RawAnswer, status: number, code: number) {
  expect(answer.status).toBe(status);
  expect(validateTwilioError(answer.body)).toEqual([]);
  expect(answer.body).toMatchObject({ status, code, more_info: `https://www.twilio.com/docs/errors/${code}` });
}

describe('success answers match twilio_serverless_v1.json', () => {
  test('Services: CreateService, FetchService by SID and by unique name, ListService over pages', async () => {
    const created = await api.call('POST', '/v1/Services', {
      form: { UniqueName: 'contract-second', FriendlyName: 'Second', IncludeCredentials: 'true', UiEditable: 'false' },
    });
    expectSpecResponse('twilio_serverless_v1.json#CreateService', created, 201);
    expect(created.body).toMatchObject({ unique_name: 'contract-second', include_credentials: true, ui_editable: false });
    expect(created.body.domain_base).toMatch(/^contract-second-\d{4}$/);
    expectSpecResponse('twilio_serverless_v1.json#FetchService', await api.call('GET', `/v1/Services/${serviceSid}`), 200);
    const byName = await api.call('GET', '/v1/Services/contract-second');
    expectSpecResponse('twilio_serverless_v1.json#FetchService', byName, 200);
    expect(byName.body.sid).toBe(created.body.sid);

    const first = await api.call('GET', '/v1/Services?PageSize=1');
    expectSpecResponse('twilio_serverless_v1.json#ListService', first, 200, 'services');
    expect(first.body.meta.key).toBe('services');
    const next = new URL(first.body.meta.next_page_url);
    expect(next.host).toBe('serverless.twilio.com');
    const second = await api.call('GET', next.pathname + next.search);
    expectSpecResponse('twilio_serverless_v1.json#ListService', second, 200, 'services');
    expect(second.body.meta.next_page_url).toBeNull();
  });

  test('Environments: CreateEnvironment, ListEnvironment, FetchEnvironment', async () => {
    const created = await api.call('POST', `/v1/Services/${serviceSid}/Environments`, {
      form: { UniqueName: 'stage-environment', DomainSuffix: 'stage' },
    });
    expectSpecResponse('CreateEnvironment', created, 201);
    expect(created.body.domain_name).toMatch(/^contract-service-\d{4}-stage\.twil\.io$/);
    expect(created.body.build_sid).toBeNull();
    expectSpecResponse('ListEnvironment', await api.call('GET', `/v1/Services/${serviceSid}/Environments`), 200, 'environments');
    expectSpecResponse('FetchEnvironment', await api.call('GET', `/v1/Services/${serviceSid}/Environments/${environment.sid}`), 200);
  });

  test('Functions and Assets: Create, List, and a Version uploaded to serverless-upload', async () => {
    const fn = await api.call('POST', `/v1/Services/${serviceSid}/Functions`, { form: { FriendlyName: '/interaction' } });
    expectSpecResponse('CreateFunction', fn, 201);
    functionSid = fn.body.sid;
    expectSpecResponse('ListFunction', await api.call('GET', `/v1/Services/${serviceSid}/Functions`), 200, 'functions');
    const fnVersion = await api.upload(`/v1/Services/${serviceSid}/Functions/${functionSid}/Versions`, {
      Path: '/interaction',
      Visibility: 'public',
      Content: 'exports.handler = () => {};',
    });
    expectSpecResponse('FetchFunctionVersion', fnVersion, 201, undefined, 200);

    const asset = await api.call('POST', `/v1/Services/${serviceSid}/Assets`, { form: { FriendlyName: '/index.html' } });
    expectSpecResponse('CreateAsset', asset, 201);
    assetSid = asset.body.sid;
    expectSpecResponse('ListAsset', await api.call('GET', `/v1/Services/${serviceSid}/Assets`), 200, 'assets');
    const assetVersion = await api.upload(`/v1/Services/${serviceSid}/Assets/${assetSid}/Versions`, {
      Path: '/index.html',
      Visibility: 'public',
      Content: '<!doctype html>',
    });
    expectSpecResponse('FetchAssetVersion', assetVersion, 201, undefined, 200);
  });

  test('Builds: CreateBuild, FetchBuild, FetchBuildStatus, ListBuild', async () => {
    const version = await api.functionVersion(serviceSid, '/built');
    const created = await api.build(
      serviceSid,
      buildForm({ functionVersions: [version], dependencies: [{ name: '@twilio/runtime-handler', version: '2.0.1' }], runtime: 'node22' }),
    );
    expectSpecResponse('CreateBuild', created, 201);
    expect(created.body.status).toBe('building');
    const path = `/v1/Services/${serviceSid}/Builds/${created.body.sid}`;
    expectSpecResponse('FetchBuildStatus', await api.call('GET', `${path}/Status`), 200);
    expectSpecResponse('FetchBuild', await api.call('GET', path), 200);
    expectSpecResponse('ListBuild', await api.call('GET', `/v1/Services/${serviceSid}/Builds`), 200, 'builds');
  });

  test('Deployments: CreateDeployment, ListDeployment', async () => {
    const build = await api.build(serviceSid, buildForm({ functionVersions: [await api.functionVersion(serviceSid, '/live')] }));
    expect(await api.settledStatus(serviceSid, build.body.sid)).toBe('completed');
    const deployments = `/v1/Services/${serviceSid}/Environments/${environment.sid}/Deployments`;
    expectSpecResponse('CreateDeployment', await api.call('POST', deployments, { form: { BuildSid: build.body.sid } }), 201);
    expectSpecResponse('ListDeployment', await api.call('GET', deployments), 200, 'deployments');
  });

  test('Variables: CreateVariable, ListVariable, UpdateVariable, DeleteVariable', async () => {
    const variables = `/v1/Services/${serviceSid}/Environments/${environment.sid}/Variables`;
    const created = await api.call('POST', variables, { form: { Key: 'REQUEST_DEADLINE_MS', Value: '8000' } });
    expectSpecResponse('CreateVariable', created, 201);
    expectSpecResponse('ListVariable', await api.call('GET', variables), 200, 'variables');
    expectSpecResponse('UpdateVariable', await api.call('POST', `${variables}/${created.body.sid}`, { form: { Value: '6000' } }), 200);
    const deleted = await api.call('DELETE', `${variables}/${created.body.sid}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
  });
});

describe('error answers match Twilio error schema', () => {
  test('unknown or malformed SIDs and unknown unique names: 404', async () => {
    expectTwilioError(await api.call('GET', `/v1/Services/ZS${'0'.repeat(32)}`), 404, 20404);
    expectTwilioError(await api.call('GET', '/v1/Services/no-such-service'), 404, 20404);
    expectTwilioError(await api.call('GET', `/v1/Services/${serviceSid}/Environments/ZE123`), 404, 20404);
    expectTwilioError(await api.call('GET', `/v1/Services/${serviceSid}/Builds/ZB${'0'.repeat(32)}/Status`), 404, 20404);
  });

  test('missing and invalid parameters: 400, code 20001', async () => {
    expectTwilioError(await api.call('POST', '/v1/Services', { form: { FriendlyName: 'no unique name' } }), 400, 20001);
    expectTwilioError(
      await api.call('POST', '/v1/Services', { form: { UniqueName: 'contract-service', FriendlyName: 'again' } }),
      400,
      20001,
    );
    expectTwilioError(
      await api.call('POST', '/v1/Services', { form: { UniqueName: 'x', FriendlyName: 'x', IncludeCredentials: 'yes' } }),
      400,
      20001,
    );
    expectTwilioError(await api.build(serviceSid, buildForm({ runtime: 'node20' })), 400, 20001);
    expectTwilioError(await api.call('POST', `/v1/Services/${serviceSid}/Builds`, { form: { Dependencies: '[{"name":' } }), 400, 20001);
  });

  test('a method the resource does not support: 405, code 20004', async () => {
    expectTwilioError(await api.call('DELETE', `/v1/Services/${serviceSid}/Builds`), 405, 20004);
    const upload = { headers: { 'X-Forwarded-Host': 'serverless-upload.twilio.com' } };
    expectTwilioError(await api.call('PUT', `/v1/Services/${serviceSid}/Functions/${functionSid}/Versions`, upload), 405, 20004);
  });

  test('serverless and serverless-upload are different hosts: each route is a 404 on the other', async () => {
    const versions = `/v1/Services/${serviceSid}/Functions/${functionSid}/Versions`;
    const fields = { Path: '/x', Visibility: 'public', Content: 'x' };
    expectTwilioError(await api.upload(versions, fields, 'serverless.twilio.com'), 404, 20404);
    expectTwilioError(
      await api.call('GET', `/v1/Services/${serviceSid}`, { headers: { 'X-Forwarded-Host': 'serverless-upload.twilio.com' } }),
      404,
      20404,
    );
    expect((await api.upload(versions, fields, 'serverless-upload.twilio.com')).status).toBe(201);
  });

  test('uploads: bad Visibility or Path, no Content, a malformed body, or a file too large', async () => {
    const versions = `/v1/Services/${serviceSid}/Functions/${functionSid}/Versions`;
    expectTwilioError(await api.upload(versions, { Path: '/x', Visibility: 'secret', Content: 'x' }), 400, 20001);
    expectTwilioError(await api.upload(versions, { Path: 'no-slash', Visibility: 'public', Content: 'x' }), 400, 20001);
    expectTwilioError(await api.upload(versions, { Path: '/a b', Visibility: 'public', Content: 'x' }), 400, 20001);
    expectTwilioError(await api.upload(versions, { Path: '/x', Visibility: 'public' }), 400, 20001);
    const malformed = await api.call('POST', versions, {
      body: '--b\r\nContent-Disposition: form-data; name="Path"\r\n\r\n/x',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b', 'X-Forwarded-Host': 'serverless-upload.twilio.com' },
    });
    expectTwilioError(malformed, 400, 20001);
    const tooLarge = await api.upload(versions, { Path: '/big', Visibility: 'public', Content: Buffer.alloc(5 * 1024 * 1024 + 1) });
    expectTwilioError(tooLarge, 413, 20413);
  });

  test('no credentials: 401', async () => {
    expectTwilioError(await rawRequest(emulator.url, 'GET', '/v1/Services', { auth: 'none' }), 401, 20003);
  });
});
