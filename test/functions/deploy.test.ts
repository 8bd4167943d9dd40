import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { spawnSync } from 'node:child_process';
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
const BUNDLES = ['interaction.js', 'studio/interaction.protected.js', 'webhooks/interaction.protected.js'];
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

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
  for (const file of BUNDLES) {
    const bundle = readFileSync(path.join(ROOT, 'dist/functions', file), 'utf8');
    expect(bundle).toMatch(/require\("twilio"\)/);
    expect(bundle).not.toMatch(/emulator\/|bench\/|test\/support|fastify/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof require(path.join(ROOT, 'dist/functions', file)).handler).toBe('function');
  }
});

test('the runtime handler is pinned to an exact version; twilio, lru-cache and jsonc-parser are runtime dependencies', () => {
  expect(PKG.dependencies['@twilio/runtime-handler']).toMatch(/^\d+\.\d+\.\d+$/);
  expect(Object.keys(PKG.dependencies).sort()).toEqual(['@twilio/runtime-handler', 'jsonc-parser', 'lru-cache', 'twilio']);
});

// Bundled, jsonc-parser's UMD build would fail at run time on requires esbuild cannot follow.
test('bundles require only Node built-ins and runtime dependencies, and load none of them until an invocation needs it', () => {
  const webhook = readFileSync(path.join(ROOT, 'dist/functions/webhooks/interaction.protected.js'), 'utf8');
  expect(webhook).toMatch(/require\("jsonc-parser"\)/);
  for (const file of BUNDLES) {
    const bundlePath = path.join(ROOT, 'dist/functions', file);
    const required = [...readFileSync(bundlePath, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!);
    expect(required.filter((name) => !name.startsWith('node:') && !(name in PKG.dependencies))).toEqual([]);
    const loading = spawnSync(process.execPath, [
      '-e',
      `require(${JSON.stringify(bundlePath)}); console.log(JSON.stringify(Object.keys(require.cache)))`,
    ]);
    const loaded = JSON.parse(loading.stdout.toString()) as string[];
    expect(loaded.filter((module) => /node_modules[\\/]/.test(module))).toEqual([]);
  }
});
