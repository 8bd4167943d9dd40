/**
 * npm start's front door: a small HTTP server on the public port that does locally what Twilio's
 * gateway does before a Function runs, and that `twilio-run start` does not: it refuses requests to
 * protected Functions without a valid X-Twilio-Signature (400) and a GET that carries a body (403), the
 * statuses Twilio's "Function Request Flow" page gives; it bounds bodies at the runtime's limit,
 * refuses unparseable JSON, and answers its own errors (and the runtime's) in the project's JSON
 * envelope, never with a stack trace or an HTML page. It answers preflights (OPTIONS) as the deployed runtime
 * does, whatever the Origin. Everything else is forwarded to twilio-run,
 * which listens on loopback only. It is a local tool: nothing here is deployed.
 */
import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { ErrorCode } from '../src/core/errors';
import { createLogger } from '../src/core/logger';
import { callerRequestId, TOKEN_BELONGS_IN_THE_BODY } from '../src/core/request-input';
import { isLoopbackHost } from '../src/core/twilio/api-base-url';
import { checkSignature, signatureFor } from './signatures';

/** @twilio/runtime-handler's body-parser limit ('6mb'), which twilio-run applies to every body. */
export const BODY_LIMIT_BYTES = 6 * 1024 * 1024;
/** Where the local console has its requests to protected Functions signed; it exists only here. */
export const SIGNATURE_ROUTE = '/__local/signature';
/** Where the local console reads how npm start was started; answered here, from memory, so that two npm starts never share it. */
export const CONSOLE_CONFIG_ROUTE = '/console/config.json';

export interface FrontDoorOptions {
  /** The address to listen on: 127.0.0.1 unless npm start is asked for another (--host). */
  host: string;
  port: number;
  /** twilio-run start, listening on 127.0.0.1. */
  functionsPort: number;
  /** The auth token the functions run with: signatures are checked and made with it, and it never leaves this process. */
  authToken: string;
  /** false with npm start --no-signatures: protected Functions take unsigned requests. */
  checkSignatures: boolean;
  /** What the built folder serves, as `servedPaths` reads it. */
  paths: ServedPaths;
  /** What the local console reads at CONSOLE_CONFIG_ROUTE: the emulator's URL, or null against Twilio itself. */
  consoleConfig: { emulatorUrl: string | null };
  log?: (line: string) => void;
}

export interface FrontDoor {
  url: string;
  close(): Promise<void>;
}

type FrontDoorCode = ErrorCode | 'invalid_signature' | 'get_with_body' | 'request_too_large' | 'not_found' | 'functions_unavailable';

interface Refusal {
  status: number;
  code: FrontDoorCode;
  message: string;
  /** What the log line says beyond the answer: which check failed, what went wrong. Never a secret. */
  reason?: string;
}

export interface ServedPaths {
  /** Every Function and asset, by path: the runtime answers a preflight to each of them itself. */
  all: ReadonlySet<string>;
  /** The Functions the deploy tooling would publish as protected: they need a valid X-Twilio-Signature. */
  protectedFunctions: ReadonlySet<string>;
}

/** The Functions and assets of the built folder, read as the deploy tooling reads them. */
export async function servedPaths(root: string, functionsFolder: string, assetsFolder: string): Promise<ServedPaths> {
  const { functions, assets } = await getListOfFunctionsAndAssets(root, {
    functionsFolderNames: [functionsFolder],
    assetsFolderNames: [assetsFolder],
  });
  return {
    all: new Set([...functions, ...assets].map((file) => file.path)),
    protectedFunctions: new Set(functions.filter((fn) => fn.access === 'protected').map((fn) => fn.path)),
  };
}

/**
 * What Twilio's runtime answers to an OPTIONS request for a Function or an asset once deployed, whatever its Origin,
 * without running the Function: 204 with these headers, which twilio-run's maintainers copied from the deployed
 * runtime (twilio-labs/serverless-toolkit#141 for assets, #220 for Functions after #195 reported that deployed
 * Functions never see an OPTIONS request). A preflight cannot enforce FLEX_ALLOWED_ORIGINS, deployed or here:
 * /interaction checks the Origin of the request itself.
 */
export const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, User-Agent',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Expose-Headers': 'ETag',
  'Access-Control-Max-Age': '86400',
  'Access-Control-Allow-Credentials': 'true',
} as const;

/**
 * A request target made only of the characters a URL path and query may hold. Anything else (a `#`, a
 * backslash, raw non-ASCII bytes) could be routed by the runtime's URL parser to another path than
 * the one checked here, so it is refused rather than guessed at.
 */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

function send(response: http.ServerResponse, refusal: Refusal, requestId: string): void {
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message, status: refusal.status }, requestId });
  response.writeHead(refusal.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** The whole body, or undefined once it passes the limit (the rest is read and dropped, as body-parser does). */
function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    request.once('end', () => resolve(size <= BODY_LIMIT_BYTES ? Buffer.concat(chunks) : undefined));
    request.once('error', reject);
  });
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\b/i.test(contentType ?? '');
}

function isLoopback(address: string | undefined): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address ?? '');
}

/** An error answer twilio-run made itself, told apart by the X-Request-Id every answer of the functions carries. */
function runtimeRefusal(status: number, path: string): Refusal {
  const reason = `twilio-run's own ${status}`;
  if (status === 404) return { status, code: 'not_found', message: `Nothing is served at ${path}.`, reason };
  if (status === 413) return { status, code: 'request_too_large', message: `The body is over the Functions runtime's limit.`, reason };
  if (status === 403) return { status, code: 'forbidden', message: `${path} is not served to callers.`, reason };
  if (status < 500)
    return {
      status,
      code: 'invalid_request',
      message: `The Functions runtime could not read the request (HTTP ${status}): check its body and Content-Type.`,
      reason,
    };
  return {
    status,
    code: 'internal_error',
    message: `The function at ${path} failed without an answer of its own (HTTP ${status}); the [twilio-run] log lines say why.`,
    reason,
  };
}

export function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const log = options.log ?? (() => {});
  const agent = new http.Agent({ keepAlive: true });

  /**
   * Every answer of the front door's own: one JSON log line carrying the request id that the answer's body and
   * X-Request-Id header carry (a caller's own X-Request-Id is kept, as the functions keep it), then the answer.
   * The line names the path only when the target is a plain one, and never the query, where a token could be;
   * the auth token is redacted from it.
   */
  function refuse(request: http.IncomingMessage, response: http.ServerResponse, refusal: Refusal): void {
    const requestId = callerRequestId(request.headers['x-request-id']) ?? randomUUID();
    const logger = createLogger({ requestId, level: 'info', secrets: [options.authToken], write: log });
    const target = request.url ?? '';
    const path = PLAIN_TARGET.test(target) ? target.split('?')[0] : undefined;
    const { status, code, reason } = refusal;
    (status >= 500 ? logger.error : logger.warn)('request_refused', { status, code, method: request.method, path, reason });
    send(response, refusal, requestId);
  }

  function signatureRefusal(request: http.IncomingMessage, path: string, body: Buffer): Refusal | undefined {
    const url = `http://${request.headers.host ?? ''}${request.url}`;
    const verdict = checkSignature(options.authToken, {
      url,
      signature: request.headers['x-twilio-signature'] as string | undefined,
      contentType: request.headers['content-type'],
      body,
    });
    if (verdict.valid) return undefined;
    return {
      status: 400,
      code: 'invalid_signature',
      reason: `${verdict.reason} signature`,
      message:
        `${path} is a protected Function: Twilio's gateway refuses requests to protected Functions without a valid ` +
        `X-Twilio-Signature (HTTP 400) before they run, and npm start does the same (npm start -- --no-signatures turns this off). ${verdict.message}`,
    };
  }

  /** The local console's requests to protected Functions, signed here so that the auth token never reaches the browser. */
  function sign(request: http.IncomingMessage, response: http.ServerResponse, body: Buffer): void {
    const hostname = new URL(`http://${request.headers.host ?? 'unknown'}`).hostname;
    if (!isLoopback(request.socket.remoteAddress) || !isLoopbackHost(hostname))
      return refuse(request, response, {
        status: 403,
        code: 'forbidden',
        message: `${SIGNATURE_ROUTE} signs only for a browser on this machine that calls it as localhost.`,
        reason: 'a signature asked for from another machine or Host',
      });
    let asked: { path?: unknown; params?: unknown } = {};
    try {
      if (request.method === 'POST' && isJson(request.headers['content-type'])) asked = JSON.parse(body.toString('utf8'));
    } catch {
      // refused below
    }
    const { path, params = {} } = asked;
    const fields = Object.entries(params ?? {});
    if (
      typeof path !== 'string' ||
      !PLAIN_TARGET.test(path) ||
      !options.paths.protectedFunctions.has(path.split('?')[0]!) ||
      fields.some(([, value]) => typeof value !== 'string')
    )
      return refuse(request, response, {
        status: 400,
        code: 'invalid_request',
        message: `POST ${SIGNATURE_ROUTE} takes JSON {"path": <a protected Function's path>, "params": {<form field>: <string>}}.`,
      });
    const url = `http://${request.headers.host}${path}`;
    const answer = JSON.stringify({
      url,
      signature: signatureFor(options.authToken, url, Object.fromEntries(fields) as Record<string, string>),
    });
    response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(answer);
  }

  function forward(request: http.IncomingMessage, response: http.ServerResponse, path: string, body: Buffer): void {
    const headers = { ...request.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    delete headers.connection;
    const upstream = http.request({
      host: '127.0.0.1',
      port: options.functionsPort,
      method: request.method,
      path: request.url,
      headers,
      agent,
    });
    upstream.once('response', (answer) => {
      const status = answer.statusCode ?? 502;
      if (status >= 400 && answer.headers['x-request-id'] === undefined) {
        answer.resume();
        return refuse(request, response, runtimeRefusal(status, path));
      }
      const kept = { ...answer.headers };
      for (const hopByHop of ['connection', 'keep-alive', 'transfer-encoding']) delete kept[hopByHop];
      response.writeHead(status, kept);
      answer.pipe(response);
    });
    upstream.once('error', (error) => {
      if (!response.headersSent)
        refuse(request, response, {
          status: 502,
          code: 'functions_unavailable',
          message: 'twilio-run did not answer: see its log lines.',
          reason: `twilio-run did not answer: ${error.message}`,
        });
      else response.destroy();
    });
    upstream.end(body);
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const target = request.url ?? '';
    if (!PLAIN_TARGET.test(target)) {
      request.resume();
      return refuse(request, response, {
        status: 400,
        code: 'invalid_request',
        message: 'The request target must be a path with an optional query.',
        reason: 'a request target that is no plain path and query',
      });
    }
    const [path, query = ''] = target.split('?', 2) as [string, string?];
    // twilio-run logs every URL: a token in one is refused before it gets there.
    if (new URLSearchParams(query).has('Token')) {
      request.resume();
      return refuse(request, response, {
        status: 400,
        code: 'invalid_request',
        message: TOKEN_BELONGS_IN_THE_BODY,
        reason: 'a Flex token in the URL',
      });
    }
    const body = await readBody(request);
    if (body === undefined)
      return refuse(request, response, {
        status: 413,
        code: 'request_too_large',
        message: `The body is over the Functions runtime's limit of ${BODY_LIMIT_BYTES / 1024 / 1024} MB.`,
      });
    if (path === SIGNATURE_ROUTE) return sign(request, response, body);
    if (request.method === 'GET' && body.length > 0)
      return refuse(request, response, {
        status: 403,
        code: 'get_with_body',
        message:
          'A GET must not carry a body: Twilio Functions answer one with 403 Forbidden. Send the parameters in the query, or POST them.',
      });
    if (request.method === 'GET' && path === CONSOLE_CONFIG_ROUTE) {
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(options.consoleConfig));
      return;
    }
    if (request.method === 'OPTIONS' && options.paths.all.has(path)) {
      response.writeHead(204, PREFLIGHT_HEADERS).end();
      return;
    }
    if (options.checkSignatures && options.paths.protectedFunctions.has(path)) {
      const refusal = signatureRefusal(request, path, body);
      if (refusal) return refuse(request, response, refusal);
    }
    if (isJson(request.headers['content-type']) && body.length > 0) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch (error) {
        return refuse(request, response, {
          status: 400,
          code: 'invalid_request',
          message: `The body is not valid JSON: ${(error as Error).message}.`,
          reason: 'a JSON body that does not parse',
        });
      }
    }
    forward(request, response, path, body);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        refuse(request, response, {
          status: 500,
          code: 'internal_error',
          message: 'npm start’s front door failed: see its log.',
          reason: `the front door failed: ${(error as Error).message}`,
        });
      else response.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve({
        url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`,
        close: () =>
          new Promise<void>((done) => {
            agent.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** For npm start's banner, which prints signed curl commands. */
export { signatureFor } from './signatures';
