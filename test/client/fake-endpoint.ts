import type { EnrichedInteraction } from '../../clients/flex/src/index';

/** What the fake /interaction does with one request. */
export type FakeAnswer =
  | { status: number; body: unknown; headers?: Record<string, string> }
  /** fetch rejects, as when the network is down or CORS refuses the answer. */
  | 'network_error'
  /** No answer until the request is aborted. */
  | 'hang';

export interface FakeCall {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  signal: AbortSignal;
}

/** A fetch that records each request and answers as `answer` says, by the request and its number (1, 2, ...). */
export function fakeEndpoint(answer: (call: FakeCall, n: number) => FakeAnswer | Promise<FakeAnswer>) {
  const calls: FakeCall[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const call: FakeCall = {
      url: String(input),
      headers: init.headers as Record<string, string>,
      body: JSON.parse(String(init.body)),
      signal: init.signal!,
    };
    calls.push(call);
    call.signal.throwIfAborted();
    const what = await answer(call, calls.length);
    if (what === 'network_error') throw new TypeError('Failed to fetch');
    if (what === 'hang')
      return new Promise((_resolve, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true }));
    call.signal.throwIfAborted();
    const headers = { 'Content-Type': 'application/json', ...what.headers };
    return new Response(typeof what.body === 'string' ? what.body : JSON.stringify(what.body), { status: what.status, headers });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

export const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';

/** A 200 answer for `sid`, with the fields the client and the tests read. */
export function payload(sid = SID, fetchedAt = new Date().toISOString()): EnrichedInteraction {
  return {
    interaction: { sid, url: null, links: null, channel: null, routing: null, interactionContextSid: null, webhookTtid: null },
    channel: { sid: 'UOd277c5992590b65ed8642081b94ddb83', type: 'sms' },
    task: null,
    reservation: null,
    customer: { name: 'Priya Raman', address: '+14155550134', from: '+14155550134', phone: '+14155550134', email: null },
    conversation: { sid: 'CH5301d2eed9f443f7eb06f7a90b06f08d', direction: 'inbound', initiatedBy: 'customer' },
    meta: {
      schemaVersion: 2,
      requestId: 'req-0001',
      fetchedAt,
      durationMs: 10,
      upstreamCalls: 1,
      include: [],
      cache: 'miss',
      source: 'twilio',
      ageMs: 0,
      stale: false,
      partial: false,
      warnings: [],
    },
  };
}

export const ok = (body: unknown = payload()): FakeAnswer => ({ status: 200, body });

/** The endpoint's error envelope. */
export function failure(
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): FakeAnswer {
  return { status, body: { error: { code, message: `${code} happened`, status, ...extra }, requestId: `req-${code}` }, headers };
}
