/**
 * Twilio request signatures, checked and made with the twilio helper's own functions, the way Twilio's
 * gateway checks them before a protected Function runs: X-Twilio-Signature is the HMAC-SHA1, keyed with
 * the account's auth token, of the URL as called followed by the sorted form parameters; a body that is
 * not a form is signed through a `bodySHA256` query parameter holding the SHA-256 hex of the body.
 */
import twilio from 'twilio';

export type FormParams = Record<string, string | string[]>;

export interface IncomingSignedRequest {
  /** The URL as the caller saw it: scheme, the Host header, path and query. */
  url: string;
  /** The X-Twilio-Signature header, if any. */
  signature: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

export type SignatureVerdict =
  { valid: true } | { valid: false; reason: 'missing' | 'mismatch' | 'body_mismatch' | 'unsigned_body'; message: string };

const HOW =
  'X-Twilio-Signature must be the base64 HMAC-SHA1, keyed with the auth token in use, of the URL as called ' +
  'followed by the form parameters sorted by name (or, for a JSON body, of a URL carrying bodySHA256=<SHA-256 hex of the body>)';

/** Form fields as Twilio signs them: repeated names become a list, which the helper sorts. */
export function formParams(body: string): FormParams {
  const params: FormParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return params;
}

export function isForm(contentType: string | undefined): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
}

function hasBodyHash(url: string): boolean {
  return new URL(url).searchParams.has('bodySHA256');
}

/** Checks a request as Twilio's gateway does for a protected Function; the verdict says what is wrong. */
export function checkSignature(authToken: string, request: IncomingSignedRequest): SignatureVerdict {
  const { url, signature, contentType, body } = request;
  if (!signature)
    return { valid: false, reason: 'missing', message: `The request has no X-Twilio-Signature header. ${HOW}; it was called as ${url}.` };
  if (hasBodyHash(url)) {
    const text = body.toString('utf8');
    if (twilio.validateRequestWithBody(authToken, signature, url, text)) return { valid: true };
    return twilio.validateRequest(authToken, signature, url, {})
      ? {
          valid: false,
          reason: 'body_mismatch',
          message: `The signature matches the URL, but its bodySHA256 is not the SHA-256 hex of the body that came (${twilio.getExpectedBodyHash(text)}).`,
        }
      : {
          valid: false,
          reason: 'mismatch',
          message: `The X-Twilio-Signature does not match this request. ${HOW}; it was called as ${url}.`,
        };
  }
  if (body.length > 0 && !isForm(contentType))
    return {
      valid: false,
      reason: 'unsigned_body',
      message: `A body that is not a form (${contentType ?? 'no Content-Type'}) is signed through a bodySHA256 query parameter, and this URL has none: ${url}.`,
    };
  const params = body.length > 0 ? formParams(body.toString('utf8')) : {};
  if (twilio.validateRequest(authToken, signature, url, params)) return { valid: true };
  return {
    valid: false,
    reason: 'mismatch',
    message: `The X-Twilio-Signature does not match this request. ${HOW}; it was called as ${url}.`,
  };
}

/** The X-Twilio-Signature Twilio would send when calling `url` with these form parameters. */
export function signatureFor(authToken: string, url: string, params: FormParams = {}): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** `url` with the bodySHA256 query parameter Twilio adds when it sends `body` as JSON. */
export function withBodyHash(url: string, body: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${twilio.getExpectedBodyHash(body)}`;
}
