/**
 * What Twilio's Serverless API accepts in a Build, as far as public sources
 * tell. One list, used by the emulator (to refuse like Twilio) and by
 * `npm run deploy` (to stop before uploading anything Twilio would refuse).
 *
 * Runtime handler: Twilio validates `@twilio/runtime-handler` against its own
 * list of exact versions, which is not npm's; a range or tag (`^2.0.1`,
 * `latest`) is refused like an unknown version. Its Runtime Handler page
 * (https://www.twilio.com/docs/serverless/functions-assets/handler) lists
 * 2.1.2, 2.0.1, 2.0.0, 1.3.1, 1.3.0 and 1.2.5 down to 1.2.1. npm's 2.1.0 is
 * refused with error 20001 (twilio-labs/serverless-toolkit issues #557 and
 * #564), and so was 2.0.3 (#538), although create-twilio-function's template
 * and PR #558 pin ^2.0.3; 2.1.2 is on Twilio's list but was never published
 * to npm. The first entry is the one this project pins.
 *
 * Runtimes: node22 is the default; node24 since July 2026 (Twilio then
 * substitutes runtime-handler 2.1.2 for any version from 1.2.0); node18 took
 * no new builds after 10 November 2025, and node20 no longer does either.
 */

export const ACCEPTED_RUNTIME_HANDLER_VERSIONS: readonly string[] = [
  '2.0.1',
  '2.0.0',
  '2.1.2',
  '1.3.1',
  '1.3.0',
  '1.2.5',
  '1.2.4',
  '1.2.3',
  '1.2.2',
  '1.2.1',
];

export const RUNTIME_HANDLER = '@twilio/runtime-handler';

/** Where Twilio's refusal sends the reader, as quoted in issues #538 and #564. */
export const RUNTIME_HANDLER_DOCS = 'https://www.twilio.com/docs/serverless/functions-assets/handler';

/** Runtimes that accept new builds, and the ones Twilio has retired for new builds. */
export const SUPPORTED_RUNTIMES = ['node22', 'node24'] as const;
export const RETIRED_RUNTIMES: readonly string[] = ['node8', 'node10', 'node12', 'node14', 'node16', 'node18', 'node20'];
