import fc from 'fast-check';
import { normalizeInclude, type Include } from '../../clients/flex/src/include';
import { readInclude } from '../../src/core/request-input';

/** What one side makes of `include`: the parts, or the code it fails with. */
function outcome(read: () => readonly string[]): string[] | string {
  try {
    return [...read()];
  } catch (error) {
    return (error as { code: string }).code;
  }
}

// Parts in any case, `all`, near misses, spaces and empty items.
const token = fc.oneof(
  fc.constantFrom('channels', 'participants', 'invites', 'conversation', 'task', 'all', 'tasks', 'channel', ''),
  fc.string({ maxLength: 6 }),
);
const spelled = fc
  .tuple(token, fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', ' '), fc.boolean())
  .map(([text, before, after, upper]) => `${before}${upper ? text.toUpperCase() : text}${after}`);
const includeText = fc.array(spelled, { maxLength: 6 }).map((items) => items.join(','));

test('property: the client reads include as the endpoint does (the same parts in the same order, or invalid_include)', () => {
  fc.assert(
    fc.property(includeText, (include) => {
      const server = outcome(() => readInclude({ include }));
      const client = outcome(() => normalizeInclude(include));
      expect(client).toEqual(server);
    }),
    { numRuns: 2000 },
  );
});

test('a list reads as its comma-joined text does', () => {
  fc.assert(
    fc.property(
      fc.array(
        spelled.filter((item) => !item.includes(',')),
        { maxLength: 6 },
      ),
      (items) => {
        // Any text, as a plugin written in JavaScript may send.
        expect(outcome(() => normalizeInclude(items as unknown as Include))).toEqual(outcome(() => normalizeInclude(items.join(','))));
      },
    ),
  );
});

test('the examples the README gives', () => {
  expect(normalizeInclude(undefined)).toEqual([]);
  expect(normalizeInclude('Invites, task')).toEqual(['channels', 'invites', 'task']);
  expect(normalizeInclude(['all'])).toEqual(['channels', 'participants', 'invites', 'conversation', 'task']);
  expect(outcome(() => normalizeInclude('everything'))).toBe('invalid_include');
});
