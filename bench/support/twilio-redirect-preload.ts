// Loaded with `node --require` into the twilio-run process the throughput bench starts (see functions-servers.ts).
// Bundled on its own, so it names the module it needs rather than the harness's index (which brings the emulator).
import { redirectTwilioHelper } from '../../harness/twilio-client';

const baseUrl = process.env.BENCH_TWILIO_BASE_URL;
if (!baseUrl) throw new Error('BENCH_TWILIO_BASE_URL must name the emulator');
redirectTwilioHelper(baseUrl);
