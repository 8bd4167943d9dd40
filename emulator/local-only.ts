import type { FastifyInstance } from 'fastify';
import { isLoopbackHost } from '../src/core/twilio/api-base-url';
import { errors } from './twilio-error';

/**
 * The admin routes take no credentials and the API takes published placeholder ones, so only this
 * machine may drive the emulator. A web page open in the developer's browser could otherwise send it
 * requests: from another site (CSRF), or from a DNS name rebound to 127.0.0.1 (DNS rebinding). So:
 * - every request must name, in Host, a loopback name or address or the host the emulator listens on
 *   (a rebound name never does: the browser sends the attacker's name);
 * - on the admin routes, a request that carries an Origin (browsers send it cross-origin) must come
 *   from one of `consoleOrigins`, npm start's console, and only those get CORS headers back. Tools
 *   (curl, scripts, the bench) send no Origin and are served as before.
 * The Twilio API routes keep their answers (no CORS headers); a browser cannot send them Basic
 * credentials cross-origin without a preflight, which they do not allow.
 */
export const ADMIN_PREFIX = '/__emulator/';

export function hostAllowed(hostHeader: string | undefined, listeningHost: string): boolean {
  const hostname = hostnameOf(hostHeader);
  return hostname !== undefined && (isLoopbackHost(hostname) || hostname === hostnameOf(bracketed(listeningHost)));
}

/** The origins given must be origins (scheme, host, port), as a browser sends them. */
export function checkConsoleOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      // refused below
    }
    if (parsed?.origin !== origin) throw new Error(`a console origin must be an origin such as http://localhost:3000, got "${origin}"`);
  }
}

export function installLocalOnly(app: FastifyInstance, options: { listeningHost: string; consoleOrigins: readonly string[] }): void {
  checkConsoleOrigins(options.consoleOrigins);
  const consoleOrigins = new Set(options.consoleOrigins);

  app.addHook('onRequest', async (request) => {
    if (!hostAllowed(request.headers.host, options.listeningHost))
      throw errors.forbidden('Forbidden: the emulator answers only requests addressed to this machine (Host: 127.0.0.1 or localhost)');
    const origin = request.headers.origin;
    if (request.url.startsWith(ADMIN_PREFIX) && origin !== undefined && !consoleOrigins.has(origin))
      throw errors.forbidden('Forbidden: the emulator-only routes answer web pages of the local console only');
  });

  app.addHook('onSend', async (request, reply) => {
    const origin = request.headers.origin;
    if (!request.url.startsWith(ADMIN_PREFIX) || origin === undefined || !consoleOrigins.has(origin)) return;
    void reply.headers({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
  });

  app.options(`${ADMIN_PREFIX}*`, async (_request, reply) =>
    reply
      .code(204)
      .headers({ 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': 'Content-Type' })
      .send(),
  );
}

/** The hostname a Host header names, lower-cased; undefined unless it is a host and an optional port, nothing more. */
function hostnameOf(host: string | undefined): string | undefined {
  if (!host || !/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host)) return undefined;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
