import { EnrichmentError } from './errors';

/**
 * Work that may fail without failing the request (included parts, the
 * webhook write-back) ends this long before the invocation's deadline, so its
 * failure still leaves time to answer with what was done.
 */
const OPTIONAL_WORK_RESERVE_MS = 200;

/**
 * Time left in one invocation. Nothing the function starts (an upstream
 * attempt, a backoff sleep, a wait for a concurrency slot) may run past it.
 */
export class Deadline {
  private constructor(
    readonly at: number,
    private readonly clock: () => number,
  ) {}

  static in(ms: number, clock: () => number = Date.now): Deadline {
    return new Deadline(clock() + ms, clock);
  }

  remaining(): number {
    return Math.max(0, this.at - this.clock());
  }

  /** A tighter deadline inside this one (e.g. for Flex token validation). */
  within(ms: number): Deadline {
    return new Deadline(Math.min(this.at, this.clock() + ms), this.clock);
  }

  /** The deadline of optional work: OPTIONAL_WORK_RESERVE_MS before this one. */
  forOptionalWork(): Deadline {
    return new Deadline(this.at - OPTIONAL_WORK_RESERVE_MS, this.clock);
  }

  exceeded(what: string): EnrichmentError {
    return new EnrichmentError('deadline_exceeded', `Twilio did not answer in time (${what}); the deadline was reached.`);
  }

  /** Sleeps `ms` unless that would pass the deadline, in which case it throws at once. */
  async sleep(ms: number, what: string): Promise<void> {
    if (ms >= this.remaining()) throw this.exceeded(what);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Settles with `work`, or rejects with a deadline error when the deadline comes first. */
  race<T>(work: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.exceeded(what)), this.remaining());
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          // Passed on as thrown: callers read Twilio's status and code from it.
          reject(error);
        },
      );
    });
  }
}
