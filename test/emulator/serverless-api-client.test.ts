import type * as ServerlessApi from '@twilio-labs/serverless-api';
import { createRequire } from 'node:module';
import { routeServerlessApiTo } from '../../emulator/deploy-rehearsal/route-to-emulator';
import { startTestEmulator, type TestEmulator } from '../../harness';

/**
 * The deploy tool's own client (@twilio-labs/serverless-api, what twilio-run
 * deploy runs) against the emulator, routed there by the rehearsal preload.
 * Loaded with Node's require, as the preload patches Node's module cache,
 * not jest's.
 */
const nodeRequire = createRequire(__filename);
const { TwilioServerlessApiClient } = nodeRequire('@twilio-labs/serverless-api') as typeof ServerlessApi;

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ serverlessBuildMs: 50 });
  routeServerlessApiTo(emulator.url);
});
afterAll(() => emulator.close());

const client = () => new TwilioServerlessApiClient({ username: emulator.accountSid, password: emulator.authToken });
/** Each function names a .js file, so serverless-api takes its content type from the name (the alternative, file-type, is ESM jest cannot load). */
const project = (handlerVersion: string) => ({
  username: emulator.accountSid,
  password: emulator.authToken,
  serviceName: 'client-rehearsal',
  functionsEnv: 'dev',
  functions: [
    {
      name: 'interaction',
      path: '/interaction',
      access: 'public' as const,
      content: Buffer.from('exports.handler = () => {};'),
      filePath: 'x.js',
    },
    {
      name: 'webhook',
      path: '/webhook',
      access: 'protected' as const,
      content: Buffer.from('exports.handler = () => {};'),
      filePath: 'x.js',
    },
  ],
  assets: [],
  env: { REQUEST_DEADLINE_MS: '8000' },
  pkgJson: { dependencies: { '@twilio/runtime-handler': handlerVersion, twilio: '^6.2.0' } },
  overrideExistingService: false,
});

test('a first deploy and a redeploy to the same service both complete', async () => {
  const first = await client().deployProject(project('2.0.1'));
  expect(first).toMatchObject({ serviceName: 'client-rehearsal', runtime: 'node22', domain: expect.stringMatching(/-dev\.twil\.io$/) });
  const second = await client().deployProject({ ...project('2.0.1'), serviceSid: first.serviceSid, env: { REQUEST_DEADLINE_MS: '6000' } });
  expect(second.serviceSid).toBe(first.serviceSid);
  expect(second.environmentSid).toBe(first.environmentSid);
  expect(second.buildSid).not.toBe(first.buildSid);

  const { services } = await (await fetch(`${emulator.url}/__emulator/serverless/services`)).json();
  expect(services).toHaveLength(1);
  expect(services[0].environments[0]).toMatchObject({
    build: {
      sid: second.buildSid,
      functions: [
        { path: '/interaction', visibility: 'public' },
        { path: '/webhook', visibility: 'protected' },
      ],
    },
    variables: { REQUEST_DEADLINE_MS: '6000' },
  });
  const hosts = new Set(emulator.requests().map((r) => `${r.operationId}@${r.host}`));
  expect(hosts).toContain('CreateFunctionVersion@serverless-upload.twilio.com');
  expect(hosts).toContain('CreateBuild@serverless.twilio.com');
});

test('runtime-handler 2.1.0 is refused as Twilio refuses it: a TwilioApiError 20001 the tool prints', async () => {
  await expect(client().deployProject({ ...project('2.1.0'), serviceName: 'client-refused' })).rejects.toMatchObject({
    name: 'TwilioApiError',
    code: 20001,
    message: expect.stringContaining('No matching version found for @twilio/runtime-handler@2.1.0'),
  });
});
