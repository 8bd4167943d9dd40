import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { parseConfig } from '../../src/core/config';
import { Deadline } from '../../src/core/deadline';
import { authorizeFlexToken, hasJwtShape, tokenFingerprint } from '../../src/core/flex-auth';
import { FlexTokenMemory } from '../../src/core/flex-token-memory';
import type { TokenValidation, TwilioGateway } from '../../src/core/twilio/twilio-gateway';

/** The Flex token gate on its own: the shape check that refuses without IAM, and what the container remembers. */

const b64 = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');
const jwe = (header: object) => `${b64(JSON.stringify(header))}..${b64(randomBytes(12))}.${b64(randomBytes(300))}.${b64(randomBytes(16))}`;

describe('hasJwtShape', () => {
  test("accepts the shapes IAM may accept: a Flex JWE, the emulator's, a Twilio access token (JWS)", () => {
    // The header of the Flex tokens Flex UI holds.
    expect(hasJwtShape(jwe({ zip: 'DEF', kid: 'SAS_S3___KMS_v1', cty: 'twilio-fpa;v=1', enc: 'A256GCM', alg: 'dir' }))).toBe(true);
    expect(hasJwtShape(jwe({ alg: 'dir', enc: 'A256GCM', kid: 'emulator' }))).toBe(true);
    const accessToken = new twilio.jwt.AccessToken('AC' + '0'.repeat(32), 'SK' + '0'.repeat(32), 's'.repeat(32), { identity: 'a' });
    expect(hasJwtShape(accessToken.toJwt())).toBe(true);
  });

  test('accepts any compact JWS or JWE whose header is a JSON object naming its alg, padded or not', () => {
    const part = fc.uint8Array({ maxLength: 400 }).map(b64);
    const header = fc
      .tuple(fc.string(), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 }), fc.boolean())
      .map(([alg, rest, padded]) => {
        const encoded = Buffer.from(JSON.stringify({ ...rest, alg })).toString('base64');
        return padded ? encoded.replace(/\+/g, '-').replace(/\//g, '_') : b64(JSON.stringify({ ...rest, alg }));
      });
    const token = fc.oneof(
      fc.tuple(header, part, part).map((parts) => parts.join('.')),
      fc.tuple(header, part, part, part, part).map((parts) => parts.join('.')),
    );
    fc.assert(fc.property(token, (value) => hasJwtShape(value)));
  });

  test.each([
    ['no dots', 'a-flex-token'],
    ['a header that is no JSON', 'not.a.token'],
    ['random base64url parts', `${b64(randomBytes(36))}.${b64(randomBytes(200))}.${b64(randomBytes(32))}`],
    ['two parts', `${b64('{"alg":"HS256"}')}.${b64('{}')}`],
    ['four parts', `${b64('{"alg":"dir"}')}.a.b.c`],
    ['six parts', `${b64('{"alg":"dir"}')}.a.b.c.d.e`],
    ['a header without alg', `${b64('{"typ":"JWT"}')}.a.b`],
    ['a header whose alg is not a string', `${b64('{"alg":1}')}.a.b`],
    ['a header that is a JSON string', `${b64('"alg"')}.a.b`],
    ['an empty header', '.a.b'],
    ['a space inside', `${b64('{"alg":"dir"}')}.a b.c`],
    ['a character outside base64url', `${b64('{"alg":"dir"}')}.a+/.c`],
  ])('refuses %s', (_, token) => {
    expect(hasJwtShape(token)).toBe(false);
  });
});

describe('authorizeFlexToken', () => {
  const config = parseConfig({});
  const claims = { identity: 'a', workerSid: 'WK' + '2'.repeat(32), roles: ['agent'], realmUserId: null, expiresAt: null };

  /** A gateway whose IAM accepts the tokens in `valid`, counting its calls. */
  function gatewayAccepting(valid: string[], delayMs = 0) {
    const asked: string[] = [];
    const gateway: Pick<TwilioGateway, 'withDeadline' | 'validateFlexToken'> = {
      withDeadline: <T>(_deadline: Deadline, work: () => Promise<T>) => work(),
      validateFlexToken: async (token): Promise<TokenValidation> => {
        asked.push(token);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return valid.includes(token) ? { valid: true, claims } : { valid: false, reason: 'Invalid Access Token' };
      },
    };
    return { gateway: () => gateway, asked };
  }
  const authorize = (token: string, gateway: () => Pick<TwilioGateway, 'withDeadline' | 'validateFlexToken'>, memory: FlexTokenMemory) =>
    authorizeFlexToken({ token, gateway, config, deadline: Deadline.in(5000), memory });

  test('a token that is not a JWT is refused without asking IAM', async () => {
    const iam = gatewayAccepting(['not.a.token']);
    await expect(authorize('not.a.token', iam.gateway, new FlexTokenMemory(config.tokenCacheTtlMs))).rejects.toMatchObject({
      code: 'invalid_token',
    });
    expect(iam.asked).toEqual([]);
  });

  test('a refused token is remembered: asked once, however often it comes back', async () => {
    const memory = new FlexTokenMemory(config.tokenCacheTtlMs);
    const forged = jwe({ alg: 'dir', enc: 'A256GCM' });
    const iam = gatewayAccepting([], 20);
    const uses = await Promise.allSettled(Array.from({ length: 10 }, () => authorize(forged, iam.gateway, memory)));
    for (let i = 0; i < 3; i += 1) await expect(authorize(forged, iam.gateway, memory)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(uses.map((use) => use.status)).toEqual(uses.map(() => 'rejected'));
    expect(iam.asked).toHaveLength(1);
  });

  test('a refused token is remembered for a minute, then asked of IAM again: IAM may take a refusal back', async () => {
    let now = 1_000_000;
    const memory = new FlexTokenMemory(config.tokenCacheTtlMs, { now: () => now });
    const refused = jwe({ alg: 'dir', enc: 'A256GCM' });
    const iam = gatewayAccepting([]);
    const use = () => expect(authorize(refused, iam.gateway, memory)).rejects.toMatchObject({ code: 'invalid_token' });
    await use();
    now += 59_000;
    await use();
    expect(iam.asked).toHaveLength(1);
    now += 2_000;
    await use();
    expect(iam.asked).toHaveLength(2);
  });

  test('the memory holds fingerprints of tokens, valid, refused and in flight, never a token', async () => {
    const memory = new FlexTokenMemory(config.tokenCacheTtlMs);
    const [valid, refused, pending] = [0, 1, 2].map(() => jwe({ alg: 'dir', enc: 'A256GCM' })) as [string, string, string];
    const iam = gatewayAccepting([valid, pending]);
    await authorize(valid, iam.gateway, memory);
    await authorize(refused, iam.gateway, memory).catch(() => undefined);
    const slow = gatewayAccepting([pending], 50);
    const inFlight = authorize(pending, slow.gateway, memory);
    const keysWhileInFlight = memory.keys();
    await inFlight;

    expect(keysWhileInFlight).toContain(tokenFingerprint(pending));
    for (const keys of [keysWhileInFlight, memory.keys()]) {
      expect(keys.every((key) => /^[0-9a-f]{64}$/.test(key))).toBe(true);
      for (const token of [valid, refused, pending]) expect(keys).not.toContain(token);
    }
    expect([...memory.keys()].sort()).toEqual([valid, refused, pending].map(tokenFingerprint).sort());
  });
});
