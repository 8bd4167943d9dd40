import { execFile } from 'node:child_process';
import path from 'node:path';
import { startTestEmulator, type TestEmulator } from '../../harness';

/** `npm run create-interaction`: a script that uses the same TWILIO_API_BASE_URL switch as the functions. */

const ROOT = path.resolve(__dirname, '../..');
let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

/** Runs the script asynchronously: the emulator answers from this same process. */
function createInteraction(args: string[], env: Record<string, string>): Promise<{ status: number; output: string }> {
  const cli = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'scripts/create-interaction.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

test('creates an interaction on the emulator through the twilio helper, with the placeholder credentials', async () => {
  const run = await createInteraction(['--type', 'email', '--address', 'ada.byrne@example.com', '--name', 'Ada Byrne'], {
    TWILIO_API_BASE_URL: emulator.url,
  });
  expect(run.status).toBe(0);
  const sid = /Created interaction (KD[0-9a-f]{32})/.exec(run.output)?.[1];
  expect(sid).toBeDefined();
  const task = emulator.store.find('task', emulator.store.find('interaction', sid!)!.primaryTaskSid)!;
  expect(JSON.parse(task.attributes)).toMatchObject({
    customerName: 'Ada Byrne',
    customerAddress: 'ada.byrne@example.com',
    channelType: 'email',
  });
  expect(emulator.requests().map((r) => [r.operationId, r.host, r.status])).toContainEqual([
    'CreateInteraction',
    'flex-api.twilio.com',
    201,
  ]);
});

test('says what is missing, with its usage, and exits 2', async () => {
  const noAddress = await createInteraction(['--type', 'sms'], { TWILIO_API_BASE_URL: emulator.url });
  expect(noAddress.status).toBe(2);
  expect(noAddress.output).toContain('--type and --address are required');
  const noCredentials = await createInteraction(['--type', 'sms', '--address', '+14155550123'], {});
  expect(noCredentials.status).toBe(2);
  expect(noCredentials.output).toContain('set ACCOUNT_SID and AUTH_TOKEN');
});

test('applies the functions’ rule to TWILIO_API_BASE_URL: no other host over http, no password, nothing sent', async () => {
  for (const baseUrl of ['http://capture.invalid:8080', 'http://user:hunter2@127.0.0.1:4010']) {
    emulator.clearRequests();
    const run = await createInteraction(['--type', 'sms', '--address', '+14155550123'], { TWILIO_API_BASE_URL: baseUrl });
    expect(run.status).toBe(2);
    expect(run.output).toMatch(/TWILIO_API_BASE_URL (may only name a loopback|must not carry a user name)/);
    expect(run.output).not.toContain('hunter2');
    expect(emulator.requests()).toHaveLength(0);
  }
});
