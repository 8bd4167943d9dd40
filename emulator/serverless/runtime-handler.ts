/**
 * The exact `@twilio/runtime-handler` versions the emulator's builds accept,
 * as Twilio's build validation does. Sources:
 * - twilio-labs/serverless-toolkit issues #557 and #564: Twilio refuses
 *   2.1.0 (npm's `latest`) with error 20001 "Some dependencies could not be
 *   validated. No matching version found for @twilio/runtime-handler@2.1.0";
 * - PR #558 pinned twilio-run back to ^2.0.3, and create-twilio-function's
 *   template pins 2.0.3, the newest version that deploys.
 * A range or tag (`^2.0.3`, `latest`) is not exact and is refused the same way.
 */
export const ACCEPTED_RUNTIME_HANDLER_VERSIONS: readonly string[] = [
  '1.2.0',
  '1.2.1',
  '1.2.2',
  '1.2.3',
  '1.2.4',
  '1.2.5',
  '1.3.0',
  '1.3.1',
  '2.0.0',
  '2.0.1',
  '2.0.2',
  '2.0.3',
];

export const RUNTIME_HANDLER = '@twilio/runtime-handler';

/** Where Twilio's refusal sends the reader, as quoted in issues #538 and #564. */
export const RUNTIME_HANDLER_DOCS = 'https://www.twilio.com/docs/serverless/functions-assets/handler';
