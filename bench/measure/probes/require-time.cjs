// Run in a fresh Node process by cold-start.ts: how long `require(file)` takes, and whether twilio came with it.
const file = process.argv[2];
const started = process.hrtime.bigint();
const loaded = require(file);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const twilioLoaded = Object.keys(require.cache).some((name) => name.includes('/node_modules/twilio/'));
process.stdout.write(JSON.stringify({ ms, twilioLoaded, exports: Object.keys(loaded) }));
