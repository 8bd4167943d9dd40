/**
 * An open-loop load generator: each request leaves at its scheduled time whatever happened to the ones before it, and
 * its latency is counted from that scheduled time, so a server that falls behind is charged for the queue it built
 * (a closed loop would send less to it and hide the wait). node:http with one keep-alive agent per container; the
 * answer is read whole and handed to `read`, so only what the row keeps stays in memory.
 */
import http from 'node:http';

export interface ScheduledRequest {
  atMs: number;
  container: number;
  path: string;
  contentType: string;
  body: string;
}

export interface Sent<T> {
  /** Null when no answer came: `error` says why. */
  status: number | null;
  error: 'timeout' | 'network' | null;
  /** From the scheduled time to the end of the answer (or to the timeout). */
  latencyMs: number;
  /** How late the request left: the generator's own lag, which a valid run keeps small. */
  sendLagMs: number;
  read: T | null;
}

export interface OpenLoopOptions<T> {
  /** Base URL of each container. */
  containers: readonly string[];
  timeoutMs: number;
  /** What to keep of an answer (its status and body text). */
  read: (status: number, text: string) => T;
}

/** Sends `requests` (ordered by `atMs`) on their schedule; resolves once every one is answered or timed out. */
export async function sendOnSchedule<R extends ScheduledRequest, T>(
  requests: readonly R[],
  options: OpenLoopOptions<T>,
): Promise<Array<Sent<T> & { request: R }>> {
  const agents = options.containers.map(() => new http.Agent({ keepAlive: true, maxSockets: Infinity }));
  const targets = options.containers.map((base) => new URL(base));
  const results: Array<Sent<T> & { request: R }> = new Array(requests.length);
  const start = performance.now();
  let next = 0;
  let pending = requests.length;

  try {
    await new Promise<void>((resolve) => {
      if (pending === 0) return resolve();
      const settle = (index: number, result: Sent<T>) => {
        results[index] = { ...result, request: requests[index]! };
        pending -= 1;
        if (pending === 0) resolve();
      };
      const send = (index: number) => {
        const request = requests[index]!;
        const due = start + request.atMs;
        const sendLagMs = performance.now() - due;
        const target = targets[request.container]!;
        let done = false;
        const finish = (result: Omit<Sent<T>, 'latencyMs' | 'sendLagMs'>) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          settle(index, { ...result, latencyMs: performance.now() - due, sendLagMs });
        };
        const outgoing = http.request(
          {
            agent: agents[request.container],
            host: target.hostname,
            port: target.port,
            method: 'POST',
            path: request.path,
            headers: { 'content-type': request.contentType, 'content-length': Buffer.byteLength(request.body) },
          },
          (answer) => {
            const chunks: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => chunks.push(chunk));
            answer.on('end', () => {
              const status = answer.statusCode ?? 0;
              finish({ status, error: null, read: options.read(status, Buffer.concat(chunks).toString('utf8')) });
            });
            answer.on('error', () => finish({ status: null, error: 'network', read: null }));
          },
        );
        const timer = setTimeout(
          () => {
            finish({ status: null, error: 'timeout', read: null });
            outgoing.destroy();
          },
          Math.max(0, options.timeoutMs - sendLagMs),
        );
        outgoing.on('error', () => finish({ status: null, error: 'network', read: null }));
        outgoing.end(request.body);
      };
      const tick = () => {
        const now = performance.now() - start;
        while (next < requests.length && requests[next]!.atMs <= now) send(next++);
        if (next < requests.length) setTimeout(tick, Math.min(10, Math.max(0, requests[next]!.atMs - now)));
      };
      tick();
    });
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return results;
}
