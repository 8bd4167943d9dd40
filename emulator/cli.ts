import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { faultConfigSchema, NO_FAULTS, type FaultConfig } from './faults';
import { TWILIO_RATE_LIMITS, type RateLimits } from './rate-limits';
import { DEFAULT_HOST, DEFAULT_PORT, startEmulator } from './server';

const USAGE = `Usage: npm run emulator -- [options]

  --port <n>          port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>       address to bind (default ${DEFAULT_HOST})
  --seed <file>       seed file (default emulator/seed/bank.json)
  --auth-token <t>    auth token to accept (default: the documented placeholder)
  --latency <ms>      add this latency to every API request
  --faults <json|@f>  fault configuration, inline JSON or @path to a JSON file
  --rate-limits <twilio|off>
                      Twilio's rate limits (20/s per account and Flex Interactions operation,
                      20 reads and 20 writes/s per Sync object, answered 429), or none.
                      Default twilio
  --console-origin <origin>
                      a web page's origin (e.g. http://localhost:3000) that may call the
                      /__emulator/ routes from a browser; repeat for several. None by default
  --help              show this help`;

const validFaults = new Ajv({ allErrors: true }).compile<FaultConfig>(faultConfigSchema);

/** The --faults and --latency options, checked against the same schema as PUT /__emulator/faults. */
function faultsFrom(values: { latency?: string; faults?: string }): FaultConfig {
  let config: unknown = { ...NO_FAULTS, rules: [] };
  if (values.faults) {
    const text = values.faults.startsWith('@') ? readFileSync(values.faults.slice(1), 'utf8') : values.faults;
    try {
      config = JSON.parse(text);
    } catch {
      throw new Error('--faults is not valid JSON');
    }
  }
  if (!validFaults(config)) throw new Error(`--faults is not a fault configuration: ${ajvErrors(validFaults.errors)}`);
  if (values.latency !== undefined) {
    const latencyMs = Number(values.latency);
    if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error(`--latency must be a whole number of ms, got ${values.latency}`);
    config.rules = [...config.rules, { match: '*', latencyMs }];
  }
  return config;
}

/** The --rate-limits option: Twilio's, unless turned off. */
function rateLimitsFrom(value: string | undefined): RateLimits | null {
  if (value === undefined || value === 'twilio') return TWILIO_RATE_LIMITS;
  if (value === 'off') return null;
  throw new Error(`--rate-limits must be twilio or off, got ${value}`);
}

function ajvErrors(errors: typeof validFaults.errors): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'auth-token': { type: 'string' },
      latency: { type: 'string' },
      faults: { type: 'string' },
      'rate-limits': { type: 'string' },
      'console-origin': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);

  const emulator = await startEmulator({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.seed ? { seedFile: values.seed } : {}),
    ...(values['auth-token'] ? { authToken: values['auth-token'] } : {}),
    faults: faultsFrom(values),
    rateLimits: rateLimitsFrom(values['rate-limits']),
    consoleOrigins: values['console-origin'] ?? [],
  });

  const first = emulator.seeded[0]!;
  console.log(`Twilio API emulator listening on ${emulator.url}

Credentials it accepts (HTTP Basic):
  account SID / auth token   ${emulator.accountSid} / ${emulator.authToken}
  API key SID / secret       ${emulator.apiKey.sid} / ${emulator.apiKey.secret}

Rate limits: ${emulator.rateLimits ? "Twilio's, 429 past them (--rate-limits off turns them off)" : 'off (--rate-limits off)'}

Seeded interactions:
${emulator.seeded.map((i) => `  ${i.sid}  ${i.channelType.padEnd(8)} ${i.label}`).join('\n')}

Try it:
  curl -u ${emulator.accountSid}:${emulator.authToken} ${emulator.url}/v1/Interactions/${first.sid}
  curl -X POST ${emulator.url}/__emulator/flex-tokens -H 'Content-Type: application/json' -d '{}'

Point the twilio helper at it with TWILIO_API_BASE_URL=${emulator.url}. Ctrl-C stops it.`);

  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  const message = code === 'EADDRINUSE' ? 'that port is in use: pick another with --port' : (error as Error).message;
  console.error(`emulator: ${message}\n\n${USAGE}`);
  process.exit(1);
});
