import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The local console is a development tool. `.twilioserverlessrc` keeps assets out of a deploy; should
 * someone deploy them anyway (`twilio-run deploy --assets`), every asset is protected, so Twilio serves
 * it only to requests it signed itself, never to a browser. Read with the deploy tooling's own listing.
 */

const ROOT = path.resolve(__dirname, '../..');

test('every asset the build emits is protected, under its public path', async () => {
  expect(existsSync(path.join(ROOT, 'dist/assets/console'))).toBe(true);
  const { assets } = await getListOfFunctionsAndAssets(ROOT, {
    functionsFolderNames: ['dist/functions'],
    assetsFolderNames: ['dist/assets'],
  });
  const listed = assets.map((asset) => ({ path: asset.path, access: asset.access }));
  expect(listed).toEqual(
    expect.arrayContaining([
      { path: '/console/index.html', access: 'protected' },
      { path: '/console/console.js', access: 'protected' },
      { path: '/console/console.css', access: 'protected' },
    ]),
  );
  expect(listed.filter((asset) => asset.access !== 'protected')).toEqual([]);
});
