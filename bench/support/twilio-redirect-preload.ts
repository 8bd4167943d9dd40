// Loaded with `node --require` into the twilio-run process the throughput bench starts (see functions-servers.ts).
import { redirectTwilioHelper } from './twilio-redirect';

const baseUrl = process.env.BENCH_TWILIO_BASE_URL;
if (!baseUrl) throw new Error('BENCH_TWILIO_BASE_URL must name the emulator');
redirectTwilioHelper(baseUrl);
