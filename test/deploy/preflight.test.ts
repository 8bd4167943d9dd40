import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_API_KEY, DEFAULT_AUTH_TOKEN } from '../../emulator/server';
import { looksLikeSecret, planDeploy, readDeployArguments, unreadSecrets } from '../../scripts/deploy-preflight';
import { SECRET_VARIABLES, SETTINGS } from '../../src/core/config';

/**
 * `npm run deploy` stops before uploading when Twilio would refuse the build
 * or when a local-only setting would be uploaded. Each case is a copy of the
 * project's package.json and .twilioserverlessrc with its own settings files.
 */

const ROOT = path.resolve(__dirname, '../..');
const REAL_ACCOUNT = { ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef', AUTH_TOKEN: 'a-real-looking-auth-token-0000001' };

function project(files: Record<string, string | Record<string, string>> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-preflight-'));
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  copyFileSync(path.join(ROOT, '.twilioserverlessrc'), path.join(dir, '.twilioserverlessrc'));
  for (const [name, content] of Object.entries(files)) {
    const text =
      typeof content === 'string'
        ? content
        : Object.entries(content)
            .map(([k, v]) => `${k}=${v}`)
            .join('\n');
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const plan = (dir: string, argv: string[] = [], rehearsal = false) => planDeploy(dir, readDeployArguments(argv), { rehearsal });

test('a clean .env passes, and the variables are what twilio-run uploads: no credentials, no empty values', async () => {
  const dir = project({ '.env': { ...REAL_ACCOUNT, LOG_LEVEL: 'warn', FLEX_ALLOWED_ROLES: '' } });
  const result = await plan(dir);
  expect(result.problems).toEqual([]);
  expect(result.variables).toEqual({ LOG_LEVEL: 'warn' });
  expect(result.runtime).toBe('node22');
  expect(result.twilioRunArgs).toEqual(['deploy']);
});

test.each([
  ['TWILIO_API_BASE_URL', 'http://127.0.0.1:4010'],
  ['TWILIO_API_BASE_URL_ALLOW_REMOTE', 'true'],
])('%s left in .env stops the deploy, naming it', async (name, value) => {
  const dir = project({ '.env': { ...REAL_ACCOUNT, [name]: value } });
  const { problems } = await plan(dir);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(`.env sets ${name}, which would be uploaded as Service variables`);
});

test("the emulator's placeholder credentials stop a deploy, as credentials or as variables, but not a rehearsal", async () => {
  const emulatorAccount = { ACCOUNT_SID: 'AC9d7d4f8b86d9244461876a80df10862e', AUTH_TOKEN: DEFAULT_AUTH_TOKEN };
  const dir = project({ '.env': { ...emulatorAccount, API_SECRET: DEFAULT_API_KEY.secret } });
  const deploy = await plan(dir);
  expect(deploy.problems.join('\n')).toMatch(/API_SECRET hold the local emulator's placeholder/);
  expect(deploy.problems.join('\n')).toMatch(/deploy credentials are the local emulator's placeholders/);
  expect((await plan(project({ '.env': emulatorAccount }), [], true)).problems).toEqual([]);
});

test('a stage file that still holds API_SECRET and TWILIO_API_SECRET stops the deploy, naming them, never their values', async () => {
  const dir = project({
    '.env.stage': { ...REAL_ACCOUNT, LOG_LEVEL: 'warn', API_SECRET: 'left-over-api-secret-1', TWILIO_API_SECRET: 'left-over-api-secret-2' },
  });
  const { problems, variables } = await plan(dir, ['--environment', 'stage']);
  expect(Object.keys(variables)).toEqual(['LOG_LEVEL', 'API_SECRET', 'TWILIO_API_SECRET']);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(
    /^\.env\.stage sets API_SECRET, TWILIO_API_SECRET, which look like secrets the functions never read: .*Remove them/,
  );
  expect(problems[0]).not.toMatch(/left-over/);
});

test('the secret-looking names: SECRET, TOKEN, PASSWORD or CREDENTIAL in a word, or KEY, PASS, PWD or AUTH as one', () => {
  const secretLooking = [
    ...['API_SECRET', 'TWILIO_AUTH_TOKEN', 'SENDGRID_API_KEY', 'stripeApiKey', 'APIKEY', 'SIGNING_KEYS', 'client-secret'],
    ...['DB_PASSWORD', 'SMTP_PASSWD', 'DB_PASS', 'MYSQL_PWD', 'BASIC_AUTH', 'GOOGLE_CREDENTIALS'],
  ];
  const notSecretLooking = ['LOG_LEVEL', 'MONKEY_MODE', 'KEYBOARD_LAYOUT', 'AUTHOR', 'PASSENGER_LIMIT', 'WORKSPACE_SID', 'TASK_QUEUE'];
  expect(secretLooking.filter((name) => !looksLikeSecret(name))).toEqual([]);
  expect(notSecretLooking.filter(looksLikeSecret)).toEqual([]);
});

test('the settings the functions read pass even when they look secret; the secrets they only redact do not', () => {
  const settings = Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, 'x']));
  expect(Object.keys(settings).filter(looksLikeSecret)).toEqual(
    expect.arrayContaining(['WEBHOOK_WRITE_BACK_KEY', 'FLEX_TOKEN_CACHE_TTL_MS']),
  );
  expect(unreadSecrets(settings)).toEqual([]);
  // The functions never read these to call Twilio (only ACCOUNT_SID and AUTH_TOKEN, which twilio-run never uploads).
  const redacted = Object.fromEntries(SECRET_VARIABLES.map((name) => [name, 'x']));
  expect(unreadSecrets(redacted)).toEqual(SECRET_VARIABLES);
});

test('--environment stage deploys .env.stage, and never falls back to the local .env', async () => {
  const dir = project({
    '.env': { ...REAL_ACCOUNT, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' },
    '.env.stage': { ...REAL_ACCOUNT, LOG_LEVEL: 'debug' },
  });
  const stage = await plan(dir, ['--environment', 'stage']);
  expect(stage.problems).toEqual([]);
  expect(stage.variables).toEqual({ LOG_LEVEL: 'debug' });
  expect(stage.twilioRunArgs).toEqual(['deploy', '--environment', 'stage', '--env', '.env.stage']);
  const missing = await plan(dir, ['--environment=prod']);
  expect(missing.problems.join('\n')).toMatch(/no \.env\.prod/);
});

test('an API key and secret given as flags deploy without the auth token', async () => {
  const dir = project({ '.env.ci': { LOG_LEVEL: 'info' } });
  const result = await plan(dir, ['--env', '.env.ci', '--username', 'SK0123456789abcdef0123456789abcdef', '--password', 'an-api-secret']);
  expect(result.problems).toEqual([]);
  expect(result.twilioRunArgs).toEqual([
    'deploy',
    '--env',
    '.env.ci',
    '--username',
    'SK0123456789abcdef0123456789abcdef',
    '--password',
    'an-api-secret',
  ]);
});

test('a setting the deployed functions would refuse stops the deploy, without quoting it', async () => {
  const dir = project({ '.env': { ...REAL_ACCOUNT, REQUEST_DEADLINE_MS: 'soon' } });
  const { problems } = await plan(dir);
  expect(problems.join('\n')).toMatch(/REQUEST_DEADLINE_MS/);
  expect(problems.join('\n')).not.toMatch(/soon/);
});

test('a runtime handler Twilio refuses, or a runtime without new builds, stops the deploy and says what to pin', async () => {
  const dir = project({ '.env': REAL_ACCOUNT });
  const pkgPath = path.join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  for (const version of ['2.1.0', '^2.0.1', 'latest']) {
    writeFileSync(pkgPath, JSON.stringify({ ...pkg, dependencies: { ...pkg.dependencies, '@twilio/runtime-handler': version } }));
    const { problems } = await plan(dir);
    expect(problems.join('\n')).toMatch(/runtime-handler .*refuses.*npm install --save-exact @twilio\/runtime-handler@2\.0\.1/);
  }
  writeFileSync(pkgPath, JSON.stringify(pkg));
  expect((await plan(dir, ['--runtime', 'node20'])).problems.join('\n')).toMatch(/node20 takes no new builds.*node22, node24/);
  expect((await plan(dir, ['--runtime', 'node24'])).problems).toEqual([]);
});

test("the project's own pins pass: the runtime handler and runtime in package.json and .twilioserverlessrc", async () => {
  expect((await plan(project({ '.env': REAL_ACCOUNT }))).problems).toEqual([]);
});

test('npm run deploy prints why it stopped, exits 1 and never starts twilio-run', () => {
  const dir = project({ '.env.local-left': { ...REAL_ACCOUNT, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' } });
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts/deploy.ts'), '--env', path.join(dir, '.env.local-left')],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/stopped before uploading anything:\n\s+- .*TWILIO_API_BASE_URL/);
  expect(run.stdout + run.stderr).not.toMatch(/Deploying|twilio-run/i);
});
