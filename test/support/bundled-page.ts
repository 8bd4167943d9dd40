import { build } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BundledPage {
  /** `http://127.0.0.1:<port>`: the page's origin, which the Service must allow (FLEX_ALLOWED_ORIGINS). */
  origin: string;
  /** The page itself. */
  url: string;
  close(): Promise<void>;
}

/**
 * A blank page that runs one TypeScript module, bundled for the browser by esbuild, served from an origin of its own
 * on loopback: to the Service it is what the Flex UI is to a deployed one, a caller on another origin.
 */
export async function serveBundledPage(entry: string): Promise<BundledPage> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'warning',
  });
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>page</title><script src="/page.js"></script>' },
    '/page.js': { type: 'text/javascript', body: bundle.outputFiles[0]!.text },
  };
  const server = createServer((request, response) => {
    const file = request.method === 'GET' ? files[request.url ?? ''] : undefined;
    response.writeHead(file ? 200 : 404, { 'Content-Type': `${file?.type ?? 'text/plain'}; charset=utf-8`, 'Cache-Control': 'no-store' });
    response.end(file?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
