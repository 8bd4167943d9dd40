// npm run create-interaction -- --type sms --address +14155550123 --name "Ada Byrne"
// Creates a Flex Interaction with the twilio helper: on the local emulator when TWILIO_API_BASE_URL is set
// (the placeholder credentials are used unless others are given), on Twilio otherwise.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_AUTH_TOKEN } from '../emulator/server';
import { readSeedFile } from '../emulator/seed';
import { redirectedTwilioClient } from '../harness';
import { checkApiBaseUrl } from '../src/core/twilio/api-base-url';

const USAGE = `Usage: npm run create-interaction -- --type <type> --address <address> [options]

  --type <type>          sms, whatsapp, web, chat, email or voice
  --address <address>    the customer's address: +14155550123, whatsapp:+14155550123, an email, a chat identity
  --name <name>          the customer's name
  --proxy <address>      the Twilio number or address the customer wrote to
  --workspace <WS...>    TaskRouter workspace (default on the emulator: its seeded workspace)
  --workflow <WW...>     workflow (default: the workspace's first)
  --queue <WQ...>        task queue (default: the workspace's first)
  --attributes <json>    extra task attributes, a JSON object

Credentials: ACCOUNT_SID and AUTH_TOKEN from the environment or .env. With TWILIO_API_BASE_URL set
(e.g. http://127.0.0.1:4010) the request goes to the emulator, whose placeholder credentials are the default.`;

function fail(message: string): never {
  console.error(`create-interaction: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The same rule as the functions' (src/core/twilio/api-base-url.ts): the credentials go to this origin. */
function apiBaseUrl(raw: string | undefined, allowRemote: boolean): string | null {
  if (!raw) return null;
  const verdict = checkApiBaseUrl(raw, allowRemote);
  if (!verdict.ok) fail(`TWILIO_API_BASE_URL ${verdict.why}.`);
  return verdict.origin;
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: {
      type: { type: 'string' },
      address: { type: 'string' },
      name: { type: 'string' },
      proxy: { type: 'string' },
      workspace: { type: 'string' },
      workflow: { type: 'string' },
      queue: { type: 'string' },
      attributes: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.type || !values.address) fail('--type and --address are required.');

  const baseUrl = apiBaseUrl(process.env.TWILIO_API_BASE_URL, process.env.TWILIO_API_BASE_URL_ALLOW_REMOTE === 'true');
  const seed = baseUrl ? readSeedFile() : null;
  const accountSid = process.env.ACCOUNT_SID ?? process.env.TWILIO_ACCOUNT_SID ?? seed?.accountSid;
  const authToken = process.env.AUTH_TOKEN ?? process.env.TWILIO_AUTH_TOKEN ?? (seed ? DEFAULT_AUTH_TOKEN : undefined);
  if (!accountSid || !authToken) fail('set ACCOUNT_SID and AUTH_TOKEN, or TWILIO_API_BASE_URL to use the emulator.');
  const workspaceSid = values.workspace ?? seed?.workspace.sid;
  if (!workspaceSid) fail('--workspace is required when talking to Twilio.');
  let attributes: Record<string, unknown> = {};
  try {
    if (values.attributes) attributes = JSON.parse(values.attributes) as Record<string, unknown>;
  } catch {
    fail('--attributes must be a JSON object.');
  }

  // One attempt: a create that timed out may have happened, and a retry would make a second interaction.
  const { client } = redirectedTwilioClient({ username: accountSid, password: authToken, baseUrl, policy: { maxAttempts: 1 } });
  const created = await client.flexApi.v1.interaction.create({
    channel: {
      type: values.type,
      initiated_by: 'customer',
      participants: [
        {
          address: values.address,
          ...(values.proxy ? { proxy_address: values.proxy } : {}),
          ...(values.name ? { name: values.name } : {}),
        },
      ],
    },
    routing: {
      properties: {
        workspace_sid: workspaceSid,
        ...(values.workflow ? { workflow_sid: values.workflow } : {}),
        ...(values.queue ? { queue_sid: values.queue } : {}),
        attributes: { ...(values.name ? { customerName: values.name } : {}), ...attributes },
      },
    },
  });
  console.log(`Created interaction ${created.sid} (${values.type}) on ${baseUrl ?? 'Twilio'}.`);
  console.log(`Enrich it: curl -s -X POST http://localhost:3000/studio/interaction -d InteractionSid=${created.sid}`);
}

main().catch((error: unknown) => {
  const { status, code, message } = error as { status?: number; code?: number | string; message?: string };
  fail(status ? `Twilio answered HTTP ${status} (code ${code}): ${message}` : `${message ?? String(error)}`);
});
