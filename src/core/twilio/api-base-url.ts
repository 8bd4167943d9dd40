/**
 * The rule for `TWILIO_API_BASE_URL`, the switch that sends every Twilio
 * request (with the account's Basic credentials and agents' Flex tokens) to
 * another origin. A wrong value would hand those secrets to another host, so:
 * plain http only to a loopback address (the local emulator), any other host
 * only over https and only when a second setting allows it, and never
 * userinfo. The verdict is made from the text alone: no name is resolved and
 * nothing connects. A refusal never quotes the value, which may hold a password.
 *
 * Beside it, the rule for every request the helper sends (`checkUpstreamUrl`):
 * the account's credentials go only to Twilio's own hosts or to that origin.
 */

export type BaseUrlVerdict = { ok: true; origin: string } | { ok: false; why: string };

const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

/** 127.0.0.0/8, ::1 and `localhost` (which the WHATWG URL parser keeps as a name). */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname.toLowerCase())) return true;
  return /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * `allowRemote` is TWILIO_API_BASE_URL_ALLOW_REMOTE for the functions' setting; a tool that never allows another host
 * (the deploy rehearsal) passes 'never', and its refusal does not point at a setting that would change nothing.
 */
export function checkApiBaseUrl(raw: string, allowRemote: boolean | 'never'): BaseUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, why: 'is not a URL; it must be an origin such as http://127.0.0.1:4010' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, why: 'must start with http:// or https://' };
  if (url.username !== '' || url.password !== '')
    return { ok: false, why: 'must not carry a user name or password (the account credentials are sent on their own)' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || /[?#]$/.test(raw))
    return { ok: false, why: 'must be an origin only (scheme, host and port), such as http://127.0.0.1:4010' };
  const loopback = isLoopbackHost(url.hostname);
  if (!loopback && allowRemote !== true)
    return {
      ok: false,
      why: `may only name a loopback address (127.0.0.1, ::1 or localhost)${allowRemote === 'never' ? '' : ' unless TWILIO_API_BASE_URL_ALLOW_REMOTE is true'}`,
    };
  if (!loopback && url.protocol !== 'https:') return { ok: false, why: 'must use https:// for a host other than loopback' };
  return { ok: true, origin: url.origin };
}

/**
 * A name under twilio.com, in DNS labels: `api.twilio.com`, `flex-api.twilio.com`,
 * `api.dublin.ie1.twilio.com`. Not `twilio.com.evil.example`, `eviltwilio.com`,
 * an empty label, or a trailing dot (which `redirect` would not send to the base URL).
 */
const TWILIO_HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+twilio\.com$/;

export type UpstreamUrlVerdict = { ok: true; uri: string } | { ok: false; host: string | null };

/**
 * Whether the helper may send a request, with the account's Basic credentials,
 * to `uri`: only https on the default port to a host under twilio.com, or the
 * origin of `TWILIO_API_BASE_URL` (`baseUrl`), and never with userinfo. The
 * helper follows a list page's `next_page_url` wherever it points, so this is
 * what keeps the credentials from a host an answer names. An accepted `uri` is
 * given back as parsed, the form that is sent; a refusal names only the host
 * (never userinfo, path or query), for the log.
 */
export function checkUpstreamUrl(uri: string, baseUrl: string | null): UpstreamUrlVerdict {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { ok: false, host: null };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, host: url.host };
  const base = baseUrl === null ? null : new URL(baseUrl);
  const twilio = url.protocol === 'https:' && url.port === '' && TWILIO_HOST_NAME.test(url.hostname);
  // Scheme and host compared, not `origin`: a blob: URL takes the origin of the URL inside it.
  const atBase = base !== null && url.protocol === base.protocol && url.host === base.host;
  if (twilio || atBase) return { ok: true, uri: url.href };
  return { ok: false, host: url.host };
}
