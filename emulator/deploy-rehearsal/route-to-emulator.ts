import { createRequire } from 'node:module';
import path from 'node:path';
import { checkApiBaseUrl } from '../../src/core/twilio/api-base-url';
import { redirect } from '../../src/core/twilio/upstream-http-client';

/**
 * Why this exists: `twilio-run deploy` (through @twilio-labs/serverless-api)
 * builds https://serverless.twilio.com/v1 and https://serverless-upload.twilio.com/v1
 * itself and has no base-URL option. Preloaded into twilio-run, this module
 * swaps the `got` instance serverless-api makes its clients from for one whose
 * hook sends every https://*.twilio.com request to the emulator, naming the
 * host it meant in X-Forwarded-Host, as the functions' own TWILIO_API_BASE_URL
 * switch does (one `redirect()` serves both).
 *
 * `npm run deploy:rehearse` (scripts/deploy-rehearsal.ts) loads it, with the
 * emulator's origin in DEPLOY_REHEARSAL_URL, which must be a loopback address:
 * the deploy's credentials go there. Nothing deployed ever loads it.
 */

interface RequestOptions {
  url: URL;
  headers: Record<string, string | string[] | undefined>;
}
interface GotLike {
  extend(options: { hooks: { beforeRequest: Array<(options: RequestOptions) => void> } }): GotLike;
}

/** Points every serverless-api client made from now on at `origin` (e.g. http://127.0.0.1:4010). */
export function routeServerlessApiTo(origin: string): void {
  const gotModule = createRequire(__filename)(serverlessApiGotPath()) as { default: GotLike; got: GotLike };
  const routed = gotModule.default.extend({
    hooks: {
      beforeRequest: [
        (options) => {
          const { url } = options;
          const target = redirect(`${url.protocol}//${url.host}${url.pathname}${url.search}`, origin);
          if (!target.forwardedHost) return;
          const next = new URL(target.uri);
          // Mutated in place so the Basic credentials got keeps on the URL stay.
          url.protocol = next.protocol;
          url.host = next.host;
          url.pathname = next.pathname;
          options.headers['x-forwarded-host'] = target.forwardedHost;
        },
      ],
    },
  });
  gotModule.default = routed;
  gotModule.got = routed;
}

/** The copy twilio-run loads when it has one of its own, else the project's. */
function serverlessApiGotPath(): string {
  const module = '@twilio-labs/serverless-api/dist/got';
  try {
    return require.resolve(module, { paths: [path.dirname(require.resolve('twilio-run/package.json'))] });
  } catch {
    return require.resolve(module);
  }
}

const raw = process.env.DEPLOY_REHEARSAL_URL;
if (raw) {
  const verdict = checkApiBaseUrl(raw, 'never');
  if (!verdict.ok) throw new Error(`DEPLOY_REHEARSAL_URL ${verdict.why}.`);
  routeServerlessApiTo(verdict.origin);
}
