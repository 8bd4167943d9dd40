import fc from 'fast-check';
import { MAX_BANKED_RETRIES, RetryBudget, retryAfterSeconds } from '../../src/core/retry-budget';

describe('the retry budget', () => {
  test('retries are at most ratio × requests + reserve × seconds (+ what was banked at the start), whatever the order', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.record({ earn: fc.boolean(), advanceMs: fc.integer({ min: 0, max: 500 }) }), { maxLength: 300 }),
        (ratio, reservePerSecond, steps) => {
          let clock = 0;
          const budget = new RetryBudget({ ratio, reservePerSecond, now: () => clock });
          let earned = 0;
          let spent = 0;
          for (const step of steps) {
            clock += step.advanceMs;
            if (step.earn) {
              budget.earn();
              earned += 1;
            } else if (budget.spend()) spent += 1;
          }
          const bound = Math.min(MAX_BANKED_RETRIES, reservePerSecond) + ratio * earned + (reservePerSecond * clock) / 1000;
          expect(spent).toBeLessThanOrEqual(Math.floor(bound + 1e-9));
        },
      ),
    );
  });

  test('a quiet container keeps a reserve: one retry a second with no traffic', () => {
    let clock = 0;
    const budget = new RetryBudget({ ratio: 0, reservePerSecond: 1, now: () => clock });
    expect(budget.spend()).toBe(true);
    expect(budget.spend()).toBe(false);
    clock += 1000;
    expect(budget.spend()).toBe(true);
  });

  test('no more than MAX_BANKED_RETRIES are banked, however long the quiet', () => {
    let clock = 0;
    const budget = new RetryBudget({ ratio: 0, reservePerSecond: 5, now: () => clock });
    clock += 3_600_000;
    let spent = 0;
    while (budget.spend()) spent += 1;
    expect(spent).toBe(MAX_BANKED_RETRIES);
  });
});

describe("Twilio's Retry-After", () => {
  test.each([
    ['3', 3],
    [' 12 ', 12],
    ['0', 0],
  ])('%j seconds is %d', (header, seconds) => expect(retryAfterSeconds(header)).toBe(seconds));

  test('an HTTP date is the seconds until it, rounded up', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(retryAfterSeconds('Sat, 05 Dec 2026 10:00:02 GMT', now)).toBe(2);
    expect(retryAfterSeconds('Sat, 05 Dec 2026 09:59:00 GMT', now)).toBe(0);
  });

  test.each([[undefined], [''], ['-1'], ['soon'], ['1.5'], [{}]])('%j says nothing usable', (header) =>
    expect(retryAfterSeconds(header)).toBeNull(),
  );
});
