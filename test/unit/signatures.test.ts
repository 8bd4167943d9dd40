import twilio from 'twilio';
import { checkSignature, formParams, signatureFor, withBodyHash } from '../../local/signatures';

/**
 * The front door's signature check, against fixtures made with the twilio helper's own
 * getExpectedTwilioSignature: what Twilio would send is accepted, anything else is refused.
 */

const TOKEN = 'emulator-auth-token-000000000000';
const URL_AS_CALLED = 'http://localhost:3000/studio/interaction';
const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';
const form = (body: string) => ({ contentType: 'application/x-www-form-urlencoded', body: Buffer.from(body) });
const sign = (url: string, params: Record<string, string | string[]> = {}) => twilio.getExpectedTwilioSignature(TOKEN, url, params);

describe('a form POST', () => {
  const body = `InteractionSid=${SID}&include=all`;

  test('signed with the auth token over the URL and the form is valid', () => {
    const signature = sign(URL_AS_CALLED, { InteractionSid: SID, include: 'all' });
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature, ...form(body) })).toEqual({ valid: true });
  });

  test('signed with another token is refused', () => {
    const signature = twilio.getExpectedTwilioSignature('another-token', URL_AS_CALLED, { InteractionSid: SID, include: 'all' });
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature, ...form(body) })).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  test('without a signature is refused as missing', () => {
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature: undefined, ...form(body) })).toMatchObject({
      valid: false,
      reason: 'missing',
    });
  });

  test('signed for other parameters, another path or another query is refused', () => {
    for (const signature of [
      sign(URL_AS_CALLED, { InteractionSid: SID }),
      sign(URL_AS_CALLED, { InteractionSid: SID, include: 'task' }),
      sign('http://localhost:3000/webhooks/interaction', { InteractionSid: SID, include: 'all' }),
      sign(`${URL_AS_CALLED}?fresh=true`, { InteractionSid: SID, include: 'all' }),
    ])
      expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature, ...form(body) })).toMatchObject({ valid: false });
  });

  test('its fields in any order are signed sorted by name, so the order they came in does not matter', () => {
    const signature = sign(URL_AS_CALLED, { include: 'all', InteractionSid: SID });
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature, ...form(`include=all&InteractionSid=${SID}`) })).toEqual({ valid: true });
  });

  test('a repeated field is signed with all its values, sorted', () => {
    const body = `InteractionSid=${SID}&include=task&include=channels`;
    const signature = sign(URL_AS_CALLED, { InteractionSid: SID, include: ['channels', 'task'] });
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature, ...form(body) })).toEqual({ valid: true });
    const onlyOne = sign(URL_AS_CALLED, { InteractionSid: SID, include: 'task' });
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature: onlyOne, ...form(body) })).toMatchObject({ valid: false });
    expect(formParams(body)).toEqual({ InteractionSid: SID, include: ['task', 'channels'] });
  });

  test('encoded values are signed decoded, as Twilio signs them', () => {
    const attributes = JSON.stringify({ flexInteractionSid: SID });
    const body = new URLSearchParams({ EventType: 'task.created', TaskAttributes: attributes }).toString();
    const signature = sign(URL_AS_CALLED, { EventType: 'task.created', TaskAttributes: attributes });
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature, ...form(body) })).toEqual({ valid: true });
  });
});

describe('the URL as called', () => {
  test('a signature over it with or without the port is valid, as the helper accepts both', () => {
    const params = { InteractionSid: SID };
    const body = form(`InteractionSid=${SID}`);
    // Called on the default port: the Host header has none; Twilio may have signed it with :80.
    expect(
      checkSignature(TOKEN, {
        url: 'http://localhost/studio/interaction',
        signature: sign('http://localhost:80/studio/interaction', params),
        ...body,
      }),
    ).toEqual({
      valid: true,
    });
    expect(
      checkSignature(TOKEN, {
        url: 'http://localhost:80/studio/interaction',
        signature: sign('http://localhost/studio/interaction', params),
        ...body,
      }),
    ).toEqual({
      valid: true,
    });
    expect(
      checkSignature(TOKEN, { url: URL_AS_CALLED, signature: sign('http://localhost:3001/studio/interaction', params), ...body }),
    ).toMatchObject({
      valid: false,
    });
  });

  test('another host name is another URL', () => {
    const signature = sign('http://127.0.0.1:3000/studio/interaction', { InteractionSid: SID });
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature, ...form(`InteractionSid=${SID}`) })).toMatchObject({ valid: false });
  });

  test('a GET is signed over the URL with its query and nothing else', () => {
    const url = `${URL_AS_CALLED}?InteractionSid=${SID}&include=all`;
    const request = { url, contentType: undefined, body: Buffer.alloc(0) };
    expect(checkSignature(TOKEN, { ...request, signature: sign(url) })).toEqual({ valid: true });
    expect(checkSignature(TOKEN, { ...request, signature: sign(URL_AS_CALLED, { InteractionSid: SID, include: 'all' }) })).toMatchObject({
      valid: false,
    });
  });
});

describe('a JSON body', () => {
  const body = JSON.stringify({ InteractionSid: SID, include: 'all' });
  const json = (text: string) => ({ contentType: 'application/json', body: Buffer.from(text) });

  test('signed over a URL whose bodySHA256 is the SHA-256 hex of the body is valid', () => {
    const url = withBodyHash(URL_AS_CALLED, body);
    expect(url).toBe(`${URL_AS_CALLED}?bodySHA256=${twilio.getExpectedBodyHash(body)}`);
    expect(checkSignature(TOKEN, { url, signature: sign(url), ...json(body) })).toEqual({ valid: true });
  });

  test('whose bodySHA256 is not its hash is refused, even with a signature that matches the URL', () => {
    const url = withBodyHash(URL_AS_CALLED, body);
    const tampered = JSON.stringify({ InteractionSid: SID, include: 'task' });
    expect(checkSignature(TOKEN, { url, signature: sign(url), ...json(tampered) })).toMatchObject({
      valid: false,
      reason: 'body_mismatch',
    });
  });

  test('signed with another token is refused', () => {
    const url = withBodyHash(URL_AS_CALLED, body);
    const signature = twilio.getExpectedTwilioSignature('another-token', url, {});
    expect(checkSignature(TOKEN, { url, signature, ...json(body) })).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  test('without bodySHA256 is refused: only a form is signed through its fields', () => {
    expect(checkSignature(TOKEN, { url: URL_AS_CALLED, signature: sign(URL_AS_CALLED), ...json(body) })).toMatchObject({
      valid: false,
      reason: 'unsigned_body',
    });
  });
});

test('signatureFor makes what the helper expects', () => {
  expect(signatureFor(TOKEN, URL_AS_CALLED, { b: '2', a: '1' })).toBe(sign(URL_AS_CALLED, { a: '1', b: '2' }));
});
