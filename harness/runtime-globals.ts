/**
 * The global `Twilio` the Functions runtime gives a function: the helper's exports and the runtime's own Response.
 * The bench and `npm run docs` install it to call functions in this process; tests install a recorder instead
 * (test/support/twilio-runtime-globals.ts).
 */
import path from 'node:path';
import twilio from 'twilio';

const ROOT = path.resolve(__dirname, '..');

export function installRuntimeTwilioGlobal(): void {
  // A file the runtime's package does not export, so required by path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Response } = require(path.join(ROOT, 'node_modules/@twilio/runtime-handler/dist/dev-runtime/internal/response.js')) as {
    Response: new () => { statusCode: number; body: unknown };
  };
  (globalThis as unknown as { Twilio: object }).Twilio = { ...twilio, Response };
}
