/** Free TCP ports, for servers the harness starts beside others (tests run two at a time). */
import { createServer } from 'node:net';

/** A port free on 127.0.0.1 now: the kernel picks it, and it is released again before this resolves. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
