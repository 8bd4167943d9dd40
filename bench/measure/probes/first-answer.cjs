// Run in a fresh Node process by cold-start.ts: from `require(file)` to the function's first answer, set up as
// twilio-run's runtime sets itself up before any function loads (the twilio helper and the Twilio global are
// loaded already, and the preload sends the helper to the emulator).
const [file, preload, interactionSid] = process.argv.slice(2);
const { openSync, writeSync } = require('node:fs');
const path = require('node:path');
require(preload);
// The runtime's own context and Response (files its package does not export, so required by path).
const devRuntime = path.resolve('node_modules/@twilio/runtime-handler/dist/dev-runtime');
const { constructContext } = require(path.join(devRuntime, 'route.js'));
const { Response: RuntimeResponse } = require(path.join(devRuntime, 'internal/response.js'));
globalThis.Twilio = { ...require('twilio'), Response: RuntimeResponse };
const env = JSON.parse(process.env.BENCH_FUNCTION_ENV);
const logger = { debug() {}, info() {}, warn() {}, error() {}, log() {} };
// The functions' own log lines are written where twilio-run would write them, but not into the result.
const devNull = openSync('/dev/null', 'w');
console.log = (line) => writeSync(devNull, `${line}\n`);

const started = process.hrtime.bigint();
const { handler } = require(file);
const context = constructContext({ url: 'http://localhost:3000', env, logger, baseDir: process.cwd() }, '/bench');
handler(context, { request: { headers: {}, cookies: {} }, InteractionSid: interactionSid }, (error, payload) => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const status = error ? 500 : payload instanceof RuntimeResponse ? payload.statusCode : 200;
  process.stdout.write(JSON.stringify({ ms, status }));
  process.exit(0);
});
