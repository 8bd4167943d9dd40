import { parseConfig } from '../../src/core/config';
import { checkApiBaseUrl, isLoopbackHost } from '../../src/core/twilio/api-base-url';

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
