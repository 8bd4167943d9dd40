/**
 * One request per key at a time, and its answer kept for a short while: every caller asking for the same key while a
 * request is under way waits for that request, and callers within `ttlMs` of its answer get the same answer. Failures
 * are not kept. A caller that aborts stops waiting; the request goes on for the others and is aborted only when every
 * caller waiting for it has aborted.
 */

interface Flight<T> {
  /** Where it is kept among the requests under way: the key, marked when the request is a fresh one. */
  key: string;
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
  settled: boolean;
}

export interface SharedRequestOptions {
  /** Skip the kept answer and any request that might answer from a cache: wait only for a `fresh` request. */
  fresh?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export class SharedRequests<T> {
  private readonly flights = new Map<string, Flight<T>>();
  private readonly kept = new Map<string, { value: T; until: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, request: (signal: AbortSignal) => Promise<T>, { fresh = false, signal }: SharedRequestOptions = {}): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const kept = fresh ? undefined : this.kept.get(key);
    if (kept && kept.until > Date.now()) return Promise.resolve(kept.value);
    // A fresh request under way answers a caller who does not ask for one too; the other way round it might not.
    const fresher = this.flights.get(`fresh:${key}`);
    const flight = fresher ?? (fresh ? undefined : this.flights.get(key)) ?? this.start(key, fresh, request);
    return this.wait(flight, signal);
  }

  private start(key: string, fresh: boolean, request: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    const promise = Promise.resolve()
      .then(() => request(controller.signal))
      .then((value) => {
        if (this.ttlMs > 0) this.keep(key, value);
        return value;
      })
      .finally(() => {
        flight.settled = true;
        this.forget(flight);
      });
    const flight: Flight<T> = { key: fresh ? `fresh:${key}` : key, promise, controller, waiting: 0, settled: false };
    // Its callers each see the failure; a request every caller left must not be an unhandled rejection.
    promise.catch(() => undefined);
    this.flights.set(flight.key, flight);
    return flight;
  }

  private forget(flight: Flight<T>): void {
    if (this.flights.get(flight.key) === flight) this.flights.delete(flight.key);
  }

  private keep(key: string, value: T): void {
    const now = Date.now();
    for (const [other, entry] of this.kept) if (entry.until <= now) this.kept.delete(other);
    this.kept.set(key, { value, until: now + this.ttlMs });
  }

  private wait(flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.waiting += 1;
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        flight.waiting -= 1;
        if (flight.waiting > 0 || flight.settled) return;
        this.forget(flight);
        flight.controller.abort(signal?.reason);
      };
      const onAbort = () => {
        leave();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }
}
