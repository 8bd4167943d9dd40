/**
 * What Twilio's Serverless API accepts in a Build, as far as public sources
 * tell. One list, used by the emulator (to refuse like Twilio) and by
 * `npm run deploy` (to stop before uploading anything Twilio would refuse).
 *
 * Runtime handler: Twilio validates `@twilio/runtime-handler` against its own
 * list of exact versions, which is not npm's. Its Runtime Handler page
 * (https://www.twilio.com/docs/serverless/functions-assets/handler) lists
 * 2.1.2, 2.0.1, 2.0.0, 1.3.1, 1.3.0 and 1.2.5 down to 1.2.1. npm's 2.1.0 is
 * refused with error 20001 (serverless-toolkit issues #557 and #564), and so
 * was 2.0.3 (#538); 2.1.2 is on Twilio's list but was never published to npm.
 * The first entry is the one this project pins.
 *
 * Runtimes: node22 is the default; node24 since July 2026; node18 takes no
 * new builds since 10 November 2025 and node20 no longer does either.
 */

export const ACCEPTED_RUNTIME_HANDLER_VERSIONS: readonly string[] = [
  '2.0.1',
  '2.1.2',
  '2.0.0',
  '1.3.1',
  '1.3.0',
  '1.2.5',
  '1.2.4',
  '1.2.3',
  '1.2.2',
  '1.2.1',
];

export const SUPPORTED_RUNTIMES: readonly string[] = ['node22', 'node24'];

/** Twilio's words when a dependency version is refused (error 20001). */
export function refusedDependencyMessage(name: string, version: string): string {
  return (
    `Some dependencies could not be validated. No matching version found for ${name}@${version}. ` +
    'You can find the valid versions at https://www.twilio.com/docs/serverless/functions-assets/handler'
  );
}
