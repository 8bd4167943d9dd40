/** Raw HTTP to the emulator, for tests that need exact status codes, headers and bodies. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export type Auth = { user: string; password: string } | 'none';

export interface RawRequestOptions {
  auth: Auth;
  form?: Record<string, string> | URLSearchParams;
  json?: unknown;
  body?: string;
  /** multipart/form-data; fetch sets the boundary. */
  formData?: FormData;
  headers?: Record<string, string>;
}

export async function rawRequest(baseUrl: string, method: string, path: string, options: RawRequestOptions): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.auth !== 'none')
    headers.Authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
  let body: string | FormData | undefined = options.body;
  if (options.formData) {
    body = options.formData;
  } else if (options.form) {
    headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: tests read `text`
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** How many answers had each status, e.g. { 200: 20, 429: 10 }. */
export function statusCounts(answers: readonly RawAnswer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
