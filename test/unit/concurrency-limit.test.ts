import { ConcurrencyLimit } from '../../src/core/concurrency-limit';
import { Deadline } from '../../src/core/deadline';

/** The container's bound on work in flight: who gets a freed slot, and who gives up waiting. */

async function servedOrder(order: 'oldest-first' | 'newest-and-oldest', names = ['first', 'second', 'third']): Promise<string[]> {
  const limit = new ConcurrencyLimit(1, order);
  const served: string[] = [];
  let release!: () => void;
  const holder = limit.run(Deadline.in(1000), 'holder', () => new Promise<void>((resolve) => (release = resolve)));
  const waiters = names.map((name) =>
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

test('by turns, freed slots go to the newest and the oldest waiter: a caller after a burst waits for one slot, not for the burst', async () => {
  expect(await servedOrder('newest-and-oldest', ['1st', '2nd', '3rd', '4th', '5th'])).toEqual(['5th', '1st', '4th', '2nd', '3rd']);
});

test('by turns, a stream that keeps arriving cannot pass a waiter forever: it starts within twice the places ahead of it', async () => {
  const limit = new ConcurrencyLimit(1, 'newest-and-oldest');
  const ahead = 3;
  let releases = 0;
  let callerServedAfter: number | undefined;
  // A holder and a queue ahead of the caller, then a newer waiter after every freed slot, as a flood's loops send.
  const hold = () => limit.run(Deadline.in(5000), 'flood', () => new Promise<void>((resolve) => setImmediate(resolve)));
  const flood = [hold(), ...Array.from({ length: ahead }, hold)];
  const caller = limit.run(Deadline.in(5000), 'caller', async () => {
    callerServedAfter = releases;
  });
  while (callerServedAfter === undefined && releases < 100) {
    flood.push(hold());
    await new Promise(setImmediate);
    releases += 1;
  }
  await Promise.all([caller, ...flood]);
  expect(callerServedAfter).toBeDefined();
  expect(callerServedAfter).toBeLessThanOrEqual(2 * (ahead + 1));
});

test('a waiter whose deadline comes first leaves the queue with a deadline error', async () => {
  const limit = new ConcurrencyLimit(1, 'newest-and-oldest');
  let release!: () => void;
  const holder = limit.run(Deadline.in(1000), 'holder', () => new Promise<void>((resolve) => (release = resolve)));
  await expect(limit.run(Deadline.in(30), 'late', async () => 'ran')).rejects.toMatchObject({ code: 'deadline_exceeded' });
  release();
  await holder;
  await expect(limit.run(Deadline.in(30), 'next', async () => 'ran')).resolves.toBe('ran');
});
