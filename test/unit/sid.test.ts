import fc from 'fast-check';
import { isSid, SID_PATTERNS } from '../../src/core/sid';

/** The SID check is the gate before anything goes upstream: test the regex itself. */

const HEX = '0123456789abcdefABCDEF';
const hex32 = fc.string({ unit: fc.constantFrom(...HEX.split('')), minLength: 32, maxLength: 32 });

test('every KD SID of 32 hex characters, either case, is accepted', () => {
  fc.assert(fc.property(hex32, (hex) => isSid('interaction', `KD${hex}`)));
});

test('anything else is refused: other prefixes, lengths, characters, padding, separators', () => {
  const mutated = fc.oneof(
    hex32.map((hex) => `kd${hex}`),
    hex32.map((hex) => `WT${hex}`),
    fc.string({ unit: fc.constantFrom(...HEX.split('')), minLength: 0, maxLength: 31 }).map((hex) => `KD${hex}`),
    fc.string({ unit: fc.constantFrom(...HEX.split('')), minLength: 33, maxLength: 40 }).map((hex) => `KD${hex}`),
    fc
      .tuple(hex32, fc.nat(31), fc.constantFrom('g', 'G', 'x', ' ', '/', '?', '#', '%', '.', '\n', '٣', 'ａ', '\u0000'))
      .map(([hex, at, bad]) => `KD${hex.slice(0, at)}${bad}${hex.slice(at + 1)}`),
    fc.tuple(hex32, fc.constantFrom('\n', ' ', '/', '/../', '?x=1', '%0A')).map(([hex, suffix]) => `KD${hex}${suffix}`),
    fc.tuple(hex32, fc.constantFrom(' ', '\n', '/')).map(([hex, prefix]) => `${prefix}KD${hex}`),
  );
  fc.assert(fc.property(mutated, (value) => !isSid('interaction', value)));
});

test('non-strings are refused', () => {
  for (const value of [undefined, null, 42, ['KD' + 'a'.repeat(32)], { sid: 'KD' + 'a'.repeat(32) }])
    expect(isSid('interaction', value)).toBe(false);
});

test('each pattern names its own prefix', () => {
  expect(Object.fromEntries(Object.entries(SID_PATTERNS).map(([kind, pattern]) => [kind, pattern.source.slice(1, 3)]))).toEqual({
    interaction: 'KD',
    task: 'WT',
    workspace: 'WS',
    conversation: 'CH',
    channel: 'UO',
    transfer: 'UX',
    invite: 'KG',
    worker: 'WK',
    reservation: 'WR',
    participant: 'UT',
  });
});
