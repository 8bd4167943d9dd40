import type { Deadline } from './deadline';

/**
 * Bounds the Twilio requests one container has in flight, so a burst of
 * invocations queues here instead of turning into a storm of 429s. A waiter
 * whose deadline comes first leaves the queue.
 *
 * Waiters are served oldest first, or newest first: under a flood, the
 * oldest waiters are the ones most likely to be late anyway, and serving the
 * newest keeps a caller who arrives after the flood from waiting behind all of
 * it (the old waiters leave at their deadlines).
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private limit: number,
    private readonly order: 'oldest-first' | 'newest-first' = 'oldest-first',
  ) {}

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
    while (this.active < this.limit && this.waiting.length > 0)
      (this.order === 'oldest-first' ? this.waiting.shift() : this.waiting.pop())!();
  }
}
