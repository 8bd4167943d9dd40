import { ConcurrencyLimit } from '../../src/core/concurrency-limit';
import { Deadline } from '../../src/core/deadline';

/** The container's bound on work in flight: who gets a freed slot, and who gives up waiting. */

async function servedOrder(order: 'oldest-first' | 'newest-first'): Promise<string[]> {
  const limit = new ConcurrencyLimit(1, order);
  const served: string[] = [];
  let release!: () => void;
  const holder = limit.run(Deadline.in(1000), 'holder', () => new Promise<void>((resolve) => (release = resolve)));
  const waiters = ['first', 'second', 'third'].map((name) =>
    limit.run(Deadline.in(1000), name, async () => {
      served.push(name);
    }),
  );
  await new Promise(setImmediate);
  release();
  await Promise.all([holder, ...waiters]);
  return served;
}

test('waiters are served oldest first by default', async () => {
  expect(await servedOrder('oldest-first')).toEqual(['first', 'second', 'third']);
});

test('newest first, the last to arrive is served first: a caller after a flood waits for one slot, not for the flood', async () => {
  expect(await servedOrder('newest-first')).toEqual(['third', 'second', 'first']);
});

test('a waiter whose deadline comes first leaves the queue with a deadline error', async () => {
  const limit = new ConcurrencyLimit(1, 'newest-first');
  let release!: () => void;
  const holder = limit.run(Deadline.in(1000), 'holder', () => new Promise<void>((resolve) => (release = resolve)));
  await expect(limit.run(Deadline.in(30), 'late', async () => 'ran')).rejects.toMatchObject({ code: 'deadline_exceeded' });
  release();
  await holder;
  await expect(limit.run(Deadline.in(30), 'next', async () => 'ran')).resolves.toBe('ran');
});
