import type { Deadline } from './deadline';

/**
 * Bounds the Twilio requests one container has in flight, so a burst of
 * invocations queues here instead of turning into a storm of 429s. A waiter
 * whose deadline comes first leaves the queue.
 *
 * Waiters are served oldest first, or by turns newest and oldest. Oldest
 * first alone makes a caller wait behind a whole burst that came before it;
 * newest first alone lets a sustained stream pass a caller forever, each later
 * arrival served before it. By turns, a caller after a burst is the newest at
 * the next freed slot, and a caller inside a stream moves up one place with
 * every other freed slot: it waits at most twice as long as the queue ahead of
 * it takes to start, however many arrive after it.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private limit: number,
    private readonly order: 'oldest-first' | 'newest-and-oldest' = 'oldest-first',
  ) {}

  /** Whether the next freed slot goes to the newest waiter (only when serving by turns). */
  private newestNext = true;

  resize(limit: number): void {
    this.limit = limit;
    this.wakeWaiters();
  }

  async run<T>(deadline: Deadline, what: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(deadline, what);
    try {
      return await work();
    } finally {
      this.active -= 1;
      this.wakeWaiters();
    }
  }

  private acquire(deadline: Deadline, what: string): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        this.active += 1;
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(deadline.exceeded(`${what}, waiting for a free connection`));
      }, deadline.remaining());
      this.waiting.push(wake);
    });
  }

  private wakeWaiters(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      const newest = this.order === 'newest-and-oldest' && this.newestNext;
      if (this.order === 'newest-and-oldest') this.newestNext = !this.newestNext;
      (newest ? this.waiting.pop() : this.waiting.shift())!();
    }
  }
}
