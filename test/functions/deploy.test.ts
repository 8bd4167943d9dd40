import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What `npm run deploy` would publish, read with the deploy tooling's own
 * configuration reader and file listing: exactly the three functions, with
 * the intended access, and nothing from tests, benchmarks or the emulator.
 * Runs on the dist/ that `npm test` builds first.
 */

const ROOT = path.resolve(__dirname, '../..');
// twilio-run's reader of .twilioserverlessrc, as `twilio-run deploy` merges it with its flags.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readSpecializedConfig } = require('twilio-run/dist/config/global') as {
  readSpecializedConfig(cwd: string, file: string | undefined, command: string, opts: object): Record<string, unknown>;
};

const deployConfig = readSpecializedConfig(ROOT, undefined, 'deploy', {});

test('deploys dist/ on the current Functions runtime, without the local-only assets', () => {
  expect(deployConfig).toMatchObject({ functionsFolder: 'dist/functions', assetsFolder: 'dist/assets', runtime: 'node22', assets: false });
});

test('publishes exactly the three functions with the intended access', async () => {
  expect(existsSync(path.join(ROOT, 'dist/functions'))).toBe(true);
  const { functions } = await getListOfFunctionsAndAssets(ROOT, {
    functionsFolderNames: [deployConfig.functionsFolder as string],
    assetsFolderNames: [deployConfig.assetsFolder as string],
  });
  const published = functions.map((f) => ({ path: f.path, access: f.access })).sort((a, b) => a.path.localeCompare(b.path));
  expect(published).toEqual([
    { path: '/interaction', access: 'public' },
    { path: '/studio/interaction', access: 'protected' },
    { path: '/webhooks/interaction', access: 'protected' },
  ]);
  for (const fn of functions) expect(path.relative(ROOT, fn.filePath)).toMatch(/^dist\/functions\/.+\.js$/);
});

test('each bundle exports handler, keeps twilio external, and carries no test, bench or emulator code', () => {
  for (const file of ['interaction.js', 'studio/interaction.protected.js', 'webhooks/interaction.protected.js']) {
    const bundle = readFileSync(path.join(ROOT, 'dist/functions', file), 'utf8');
    expect(bundle).toMatch(/require\("twilio"\)/);
    expect(bundle).not.toMatch(/emulator\/|bench\/|test\/support|fastify/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof require(path.join(ROOT, 'dist/functions', file)).handler).toBe('function');
  }
});

test('the runtime handler is pinned to an exact version, and twilio is a runtime dependency', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.dependencies['@twilio/runtime-handler']).toMatch(/^\d+\.\d+\.\d+$/);
  expect(pkg.dependencies.twilio).toBeDefined();
});
