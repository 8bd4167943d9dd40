import { Deadline } from '../../src/core/deadline';
import { EnrichmentError } from '../../src/core/errors';

/**
 * A backoff sleep never runs past the deadline: one that would is refused at once, so the caller answers
 * deadline_exceeded with its time left instead of sleeping it away. On jest's fake clock, which moves
 * Date.now and setTimeout together and only when told to.
 */

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** The sleep's state once the clock has moved `ms`: the promise is watched, not awaited, so a sleep that should not be does not hang the test. */
async function afterClockMoves(sleeping: Promise<void>, ms: number): Promise<'sleeping' | 'woke' | unknown> {
  let state: 'sleeping' | 'woke' | unknown = 'sleeping';
  sleeping.then(
    () => (state = 'woke'),
    (error: unknown) => (state = error),
  );
  await jest.advanceTimersByTimeAsync(ms);
  return state;
}

const deadlineExceeded = expect.objectContaining({ code: 'deadline_exceeded' });

test('a sleep as long as the time left, or longer, fails at once with deadline_exceeded', async () => {
  const deadline = Deadline.in(1000, () => Date.now());
  for (const ms of [1000, 1001, 60_000]) {
    const state = await afterClockMoves(deadline.sleep(ms, 'a retry'), 0);
    expect(state).toBeInstanceOf(EnrichmentError);
    expect(state).toEqual(deadlineExceeded);
  }
  expect(deadline.remaining()).toBe(1000);
});

test('a sleep shorter than the time left sleeps that long, and no longer', async () => {
  const deadline = Deadline.in(1000, () => Date.now());
  const sleeping = deadline.sleep(999, 'a retry');
  await expect(afterClockMoves(sleeping, 998)).resolves.toBe('sleeping');
  await expect(afterClockMoves(sleeping, 1)).resolves.toBe('woke');
});

test('what counts is the time left now, not the deadline given at first', async () => {
  const deadline = Deadline.in(1000, () => Date.now());
  await jest.advanceTimersByTimeAsync(900);
  await expect(afterClockMoves(deadline.sleep(100, 'a retry'), 0)).resolves.toEqual(deadlineExceeded);
  await expect(afterClockMoves(deadline.sleep(99, 'a retry'), 99)).resolves.toBe('woke');
});
