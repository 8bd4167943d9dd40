import { readDeployArguments } from '../../scripts/deploy-preflight';
import { describeReview, shellWords, staleVariables } from '../../scripts/deploy-variables';

/**
 * After a deploy, the environment's variables that the settings file no longer sets: twilio-run never removes
 * one. The rehearsal test runs it against the emulator; these are the pieces that decide what is printed.
 */

const review = {
  serviceSid: 'ZS0123456789abcdef0123456789abcdef',
  environmentSid: 'ZE0123456789abcdef0123456789abcdef',
  environmentName: 'stage-environment',
};

test('stale variables are those on the environment that the upload does not set, by key, sorted', () => {
  const onEnvironment = [
    { sid: 'ZV3', key: 'TWILIO_API_SECRET' },
    { sid: 'ZV1', key: 'LOG_LEVEL' },
    { sid: 'ZV2', key: 'API_SECRET' },
  ];
  expect(staleVariables(onEnvironment, { LOG_LEVEL: 'warn' }).map((v) => v.sid)).toEqual(['ZV2', 'ZV3']);
  expect(staleVariables(onEnvironment, { LOG_LEVEL: 'warn', API_SECRET: 'x', TWILIO_API_SECRET: 'y' })).toEqual([]);
  // A key is kept by name, whatever its value: an object's own keys only.
  expect(staleVariables([{ sid: 'ZV4', key: 'toString' }], {})).toHaveLength(1);
});

test('the report names the stale variables and the same command with --prune-variables, never a --password value', () => {
  const again = ['npm', 'run', 'deploy', '--', '--environment', 'stage', '--username', 'SKabc', '--password', 'the-api-secret'];
  const text = describeReview({ ...review, stale: ['API_SECRET', 'OLD_SETTING'], pruned: false }, '.env.stage', again);
  expect(text).toBe(
    [
      'Still on environment stage-environment (ZE0123456789abcdef0123456789abcdef), though .env.stage does not set them: API_SECRET, OLD_SETTING.',
      'twilio-run adds and updates variables but never removes one: these stay on the Service, and a setting among them still applies.',
      'To remove them, deploy again with --prune-variables:',
      '  npm run deploy -- --environment stage --username SKabc --password <secret> --prune-variables',
    ].join('\n'),
  );
  expect(text).not.toContain('the-api-secret');
});

test('after --prune-variables the report says what was removed; with nothing stale, one line', () => {
  expect(describeReview({ ...review, stale: ['OLD_SETTING'], pruned: true }, '.env.stage', [])).toBe(
    'Removed from environment stage-environment (ZE0123456789abcdef0123456789abcdef), as .env.stage no longer sets them: OLD_SETTING.',
  );
  expect(describeReview({ ...review, stale: [], pruned: true }, null, [])).toBe(
    'Variables on environment stage-environment (ZE0123456789abcdef0123456789abcdef): only what the settings file (there is none) sets.',
  );
});

test('the printed command reads back as the same words in a shell; a --password= value is hidden too', () => {
  expect(shellWords(['npm', 'run', 'deploy', '--', '--env', "my stage's.env", '--password=hunter22'])).toBe(
    `npm run deploy -- --env 'my stage'\\''s.env' --password=<secret>`,
  );
});

test("--prune-variables is npm run deploy's own flag: read, and not passed on to twilio-run", () => {
  const args = readDeployArguments(['--environment', 'stage', '--prune-variables', '--service-sid', 'ZS1']);
  expect(args).toMatchObject({ pruneVariables: true, environment: 'stage', serviceSid: 'ZS1' });
  expect(args.passThrough).toEqual(['--environment', 'stage', '--service-sid', 'ZS1']);
});
