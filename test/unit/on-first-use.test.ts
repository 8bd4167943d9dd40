import { onFirstUse } from '../../src/core/on-first-use';

/** What only some requests need is loaded by the first of them, once. */

test('loads on the first use only, then hands back what it loaded', () => {
  let loads = 0;
  const module = onFirstUse(() => ({ loaded: (loads += 1) }));
  expect(loads).toBe(0);
  const first = module();
  expect(module()).toBe(first);
  expect(loads).toBe(1);
});

test('a load that failed is tried again by the next use, not remembered as a failure', () => {
  let attempts = 0;
  const module = onFirstUse(() => {
    attempts += 1;
    if (attempts === 1) throw new Error('not installed');
    return 'loaded';
  });
  expect(() => module()).toThrow('not installed');
  expect(module()).toBe('loaded');
  expect(attempts).toBe(2);
});
