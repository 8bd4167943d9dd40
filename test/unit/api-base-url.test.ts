import fc from 'fast-check';
import { parseConfig } from '../../src/core/config';
import { checkApiBaseUrl, checkUpstreamUrl, isLoopbackHost } from '../../src/core/twilio/api-base-url';
import { redirect } from '../../src/core/twilio/upstream-http-client';

/** TWILIO_API_BASE_URL receives the account's credentials and agents' Flex tokens: only a safe origin passes. */

test.each([
  ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
  ['http://127.0.0.1:4010/', 'http://127.0.0.1:4010'],
  ['http://localhost:4010', 'http://localhost:4010'],
  ['HTTP://LOCALHOST:4010', 'http://localhost:4010'],
  ['http://[::1]:4010', 'http://[::1]:4010'],
  ['http://127.3.2.1', 'http://127.3.2.1'],
  ['https://127.0.0.1:8443', 'https://127.0.0.1:8443'],
])('a loopback origin passes without further settings: %s', (raw, origin) => {
  expect(checkApiBaseUrl(raw, false)).toEqual({ ok: true, origin });
});

test.each([
  ['http://attacker.example', /loopback/],
  ['https://attacker.example', /loopback/],
  ['http://capture.invalid:8080', /loopback/],
  ['http://10.0.0.5:4010', /loopback/],
  ['http://127.0.0.1.attacker.example', /loopback/],
  ['http://localhost.attacker.example', /loopback/],
  ['http://user:s3cret-pass@127.0.0.1:4010', /user name or password/],
  ['http://token@localhost:4010', /user name or password/],
  ['http://127.0.0.1:4010/v1', /origin only/],
  ['http://127.0.0.1:4010/?x=1', /origin only/],
  ['http://127.0.0.1:4010#x', /origin only/],
  ['localhost:4010', /http/],
  ['ftp://127.0.0.1', /http/],
  ['not a url', /not a URL/],
])('%s is refused', (raw, why) => {
  const verdict = checkApiBaseUrl(raw, false);
  expect(verdict.ok).toBe(false);
  expect(verdict.ok === false && verdict.why).toMatch(why);
});

test('another host needs TWILIO_API_BASE_URL_ALLOW_REMOTE, and then https', () => {
  expect(checkApiBaseUrl('https://twilio-double.example.com', true)).toEqual({ ok: true, origin: 'https://twilio-double.example.com' });
  expect(checkApiBaseUrl('http://twilio-double.example.com', true)).toMatchObject({ ok: false, why: expect.stringMatching(/https/) });
  expect(checkApiBaseUrl('https://u:p@twilio-double.example.com', true)).toMatchObject({ ok: false });
});

test('parseConfig holds the same rule: another host only with TWILIO_API_BASE_URL_ALLOW_REMOTE=true, and then only over https', () => {
  const remote = { TWILIO_API_BASE_URL: 'https://twilio-double.example.com' };
  const refusal = /TWILIO_API_BASE_URL may only name a loopback address .* unless TWILIO_API_BASE_URL_ALLOW_REMOTE is true/;
  expect(() => parseConfig(remote)).toThrow(refusal);
  expect(() => parseConfig({ ...remote, TWILIO_API_BASE_URL_ALLOW_REMOTE: 'false' })).toThrow(refusal);
  expect(parseConfig({ ...remote, TWILIO_API_BASE_URL_ALLOW_REMOTE: 'true' }).apiBaseUrl).toBe('https://twilio-double.example.com');
  const plainHttp = { TWILIO_API_BASE_URL: 'http://twilio-double.example.com', TWILIO_API_BASE_URL_ALLOW_REMOTE: 'true' };
  expect(() => parseConfig(plainHttp)).toThrow(/must use https/);
});

test('loopback is decided from the text: names are never resolved', () => {
  expect(['localhost', '127.0.0.1', '127.255.0.9', '[::1]'].every(isLoopbackHost)).toBe(true);
  expect(['localhost.', '127.0.0.1.nip.io', '0.0.0.0', '[::]', 'example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
});

test('the configuration error names the variable and never quotes the value', () => {
  const secretish = 'http://admin:hunter2-secret@capture.invalid:8080';
  let message = '';
  try {
    parseConfig({ TWILIO_API_BASE_URL: secretish });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/TWILIO_API_BASE_URL/);
  expect(message).not.toMatch(/hunter2|admin|capture\.invalid/);
  expect(() => parseConfig({ TWILIO_API_BASE_URL: 'https://double.example.com', TWILIO_API_BASE_URL_ALLOW_REMOTE: 'true' })).not.toThrow();
  expect(() => parseConfig({ TWILIO_API_BASE_URL_ALLOW_REMOTE: 'maybe' })).toThrow(/TWILIO_API_BASE_URL_ALLOW_REMOTE/);
});

test.each([
  ['REQUEST_DEADLINE_MS', 'AC-pasted-secret-42'],
  ['WEBHOOK_WRITE_BACK', 'AC-pasted-secret-42'],
])('no configuration error quotes a value (%s)', (name, value) => {
  expect(() => parseConfig({ [name]: value })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('pasted') }));
});

describe("where a request with the account's credentials may go (checkUpstreamUrl)", () => {
  const EMULATOR = 'http://127.0.0.1:4010';
  const path = '/v1/Interactions/KD0b991f2d3727d40d5cc59aeb35491eb4/Channels?PageSize=50&Page=1&PageToken=PT50';

  test.each([
    'https://api.twilio.com',
    'https://flex-api.twilio.com',
    'https://iam.twilio.com',
    'https://sync.twilio.com',
    'https://taskrouter.twilio.com',
    'https://conversations.twilio.com',
    'https://serverless-upload.twilio.com',
    'https://api.dublin.ie1.twilio.com',
    'https://flex-api.sydney.au1.twilio.com',
    'https://conversations.us1.twilio.com',
  ])('a host the helper uses: %s, sent as it is, and to the base URL when one is set', (origin) => {
    expect(checkUpstreamUrl(origin + path, null)).toEqual({ ok: true, uri: origin + path });
    expect(checkUpstreamUrl(origin + path, EMULATOR)).toEqual({ ok: true, uri: origin + path });
    expect(redirect(origin + path, EMULATOR)).toEqual({ uri: EMULATOR + path, forwardedHost: new URL(origin).host });
  });

  test.each([
    ['HTTPS://FLEX-API.TWILIO.COM/v1/Interactions', 'https://flex-api.twilio.com/v1/Interactions'],
    ['https://flex-api.twilio.com:443/v1/Interactions', 'https://flex-api.twilio.com/v1/Interactions'],
    // WHATWG URL reads a backslash as a slash: Twilio receives it, and what is sent is the URL as parsed.
    ['https://flex-api.twilio.com\\@evil.example/', 'https://flex-api.twilio.com/@evil.example/'],
  ])('%s passes, and is sent as parsed: %s', (uri, sent) => {
    expect(checkUpstreamUrl(uri, null)).toEqual({ ok: true, uri: sent });
  });

  test.each([
    ['userinfo naming Twilio, another host', 'https://api.twilio.com@evil.example/v1', 'evil.example'],
    ['userinfo with a password', 'https://api.twilio.com:pw@evil.example/v1', 'evil.example'],
    ["userinfo on Twilio's own host", 'https://user:pass@api.twilio.com/v1', 'api.twilio.com'],
    ['twilio.com as a subdomain', 'https://api.twilio.com.evil.example/v1', 'api.twilio.com.evil.example'],
    ['a percent-encoded dot', 'https://api.twilio.com%2Eevil.example/v1', 'api.twilio.com.evil.example'],
    ['a name ending in twilio.com', 'https://eviltwilio.com/v1', 'eviltwilio.com'],
    ['a hyphen before twilio.com', 'https://api.evil-twilio.com/v1', 'api.evil-twilio.com'],
    ['twilio.com itself', 'https://twilio.com/v1', 'twilio.com'],
    ['a trailing dot', 'https://api.twilio.com./v1', 'api.twilio.com.'],
    ['an empty label', 'https://api..twilio.com/v1', 'api..twilio.com'],
    ['http', 'http://api.twilio.com/v1', 'api.twilio.com'],
    ['another port', 'https://api.twilio.com:8443/v1', 'api.twilio.com:8443'],
    ['port 80 over https', 'https://api.twilio.com:80/v1', 'api.twilio.com:80'],
    ['wss', 'wss://api.twilio.com/v1', 'api.twilio.com'],
    ['an IPv4 literal', 'https://54.172.60.1/v1', '54.172.60.1'],
    ['an IPv4 literal in decimal', 'https://917388289/v1', '54.174.60.1'],
    ['an IPv6 literal', 'https://[2600:1f18::1]/v1', '[2600:1f18::1]'],
    ['loopback', 'https://127.0.0.1/v1', '127.0.0.1'],
    ['a relative URL', '/v1/Interactions', null],
    ['not a URL', 'https://api.twilio.com%00.evil/', null],
  ])('%s is refused: %s', (_, uri, host) => {
    expect(checkUpstreamUrl(uri, null)).toEqual({ ok: false, host });
    expect(checkUpstreamUrl(uri, EMULATOR)).toEqual({ ok: false, host });
  });

  test("the base URL's origin passes as it is; its host on another port or scheme, another name for it, or userinfo, does not", () => {
    expect(checkUpstreamUrl(`${EMULATOR}${path}`, EMULATOR)).toEqual({ ok: true, uri: `${EMULATOR}${path}` });
    expect(checkUpstreamUrl(`${EMULATOR}${path}`, null)).toEqual({ ok: false, host: '127.0.0.1:4010' });
    for (const uri of [
      'http://127.0.0.1:4011/v1',
      'https://127.0.0.1:4010/v1',
      'http://localhost:4010/v1',
      'http://user@127.0.0.1:4010/v1',
      `blob:${EMULATOR}/v1`,
    ])
      expect(checkUpstreamUrl(uri, EMULATOR)).toMatchObject({ ok: false });
  });

  test('a refusal names the host alone: never the userinfo, path or query', () => {
    const verdict = checkUpstreamUrl('https://admin:hunter2@evil.example:8443/v1/x?Token=abc.def#frag', EMULATOR);
    expect(verdict).toEqual({ ok: false, host: 'evil.example:8443' });
    expect(JSON.stringify(verdict)).not.toMatch(/admin|hunter2|Token|abc/);
  });

  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
  const twilioHost = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => `${labels.join('.')}.twilio.com`);
  const urlPath = fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`));

  test('property: https to any name under twilio.com passes, and redirect sends it to the base URL', () => {
    fc.assert(
      fc.property(twilioHost, urlPath, (host, p) => {
        const uri = new URL(`https://${host}${p}`).href;
        const verdict = checkUpstreamUrl(uri, EMULATOR);
        const sent = redirect(uri, EMULATOR);
        return verdict.ok && verdict.uri === uri && sent.forwardedHost === host && sent.uri.startsWith(`${EMULATOR}/`);
      }),
    );
  });

  test('property: with a base URL, whatever passes is sent there: no name the rule lets through reaches another host', () => {
    const anyLabel = fc.stringMatching(/^[a-z0-9_~!$&'()*+,;=%-]{0,12}$/);
    const name = fc.array(anyLabel, { minLength: 1, maxLength: 4 }).map((labels) => `${labels.join('.')}.twilio.com`);
    fc.assert(
      fc.property(name, urlPath, (host, p) => {
        const verdict = checkUpstreamUrl(`https://${host}${p}`, EMULATOR);
        return !verdict.ok || redirect(verdict.uri, EMULATOR).uri.startsWith(`${EMULATOR}/`);
      }),
    );
  });

  test('property: any other name is refused, with or without a base URL', () => {
    const other = fc.oneof(
      fc.domain(),
      fc.tuple(twilioHost, fc.domain()).map(([host, domain]) => `${host}.${domain}`),
      label.map((prefix) => `${prefix}twilio.com`),
      fc.ipV4(),
    );
    fc.assert(
      fc.property(other, urlPath, fc.constantFrom(null, EMULATOR), (host, p, base) => {
        fc.pre(!/(^|\.)twilio\.com$/.test(host));
        return !checkUpstreamUrl(`https://${host}${p}`, base).ok;
      }),
    );
  });

  test('property: a Twilio URL made http, given a port, userinfo or a trailing dot, or put in front of another host, is refused', () => {
    const trick = fc.constantFrom(
      (host: string, p: string) => `http://${host}${p}`,
      (host: string, p: string) => `https://${host}:8443${p}`,
      (host: string, p: string) => `https://${host}:80${p}`,
      (host: string, p: string) => `https://user:secret@${host}${p}`,
      (host: string, p: string) => `https://${host}@evil.example${p}`,
      (host: string, p: string) => `https://${host}:443@evil.example${p}`,
      (host: string, p: string) => `https://${host}.${p}`,
      (host: string, p: string) => `https://${host}.evil.example${p}`,
    );
    fc.assert(
      fc.property(
        twilioHost,
        urlPath,
        trick,
        fc.constantFrom(null, EMULATOR),
        (host, p, make, base) => !checkUpstreamUrl(make(host, p), base).ok,
      ),
    );
  });
});
