import type { TestEmulator } from '../../harness';
import { rawRequest, type Auth, type RawAnswer } from './raw-api';

/** Serverless API calls as @twilio-labs/serverless-api makes them, for tests that drive the emulator by hand. */
export class ServerlessCalls {
  readonly auth: Auth;

  constructor(private readonly emulator: TestEmulator) {
    this.auth = { user: emulator.accountSid, password: emulator.authToken };
  }

  call(method: string, path: string, options: Omit<Parameters<typeof rawRequest>[3], 'auth'> = {}): Promise<RawAnswer> {
    return rawRequest(this.emulator.url, method, path, {
      auth: this.auth,
      ...options,
      headers: { 'X-Forwarded-Host': 'serverless.twilio.com', ...(options.headers ?? {}) },
    });
  }

  /** POST a Function or Asset Version to the upload host, as multipart/form-data. */
  upload(
    path: string,
    fields: { Path?: string; Visibility?: string; Content?: string | Buffer },
    host = 'serverless-upload.twilio.com',
  ): Promise<RawAnswer> {
    const formData = new FormData();
    if (fields.Path !== undefined) formData.append('Path', fields.Path);
    if (fields.Visibility !== undefined) formData.append('Visibility', fields.Visibility);
    if (fields.Content !== undefined)
      formData.append(
        'Content',
        new Blob([typeof fields.Content === 'string' ? fields.Content : new Uint8Array(fields.Content)]),
        'handler.js',
      );
    return this.call('POST', path, { formData, headers: { 'X-Forwarded-Host': host } });
  }

  async service(uniqueName: string): Promise<string> {
    const answer = await this.call('POST', '/v1/Services', {
      form: { UniqueName: uniqueName, FriendlyName: uniqueName, IncludeCredentials: 'true', UiEditable: 'false' },
    });
    return expectCreated(answer).sid;
  }

  async environment(serviceSid: string, suffix = 'dev'): Promise<Record<string, any>> {
    const answer = await this.call('POST', `/v1/Services/${serviceSid}/Environments`, {
      form: { UniqueName: `${suffix}-environment`, DomainSuffix: suffix },
    });
    return expectCreated(answer);
  }

  /** A Function with one uploaded Version; answers the Version's SID. */
  async functionVersion(serviceSid: string, path: string, visibility = 'protected'): Promise<string> {
    const fn = expectCreated(await this.call('POST', `/v1/Services/${serviceSid}/Functions`, { form: { FriendlyName: path } }));
    const version = await this.upload(`/v1/Services/${serviceSid}/Functions/${fn.sid}/Versions`, {
      Path: path,
      Visibility: visibility,
      Content: 'exports.handler = (context, event, callback) => callback(null, {});',
    });
    return expectCreated(version).sid;
  }

  build(serviceSid: string, form: URLSearchParams): Promise<RawAnswer> {
    return this.call('POST', `/v1/Services/${serviceSid}/Builds`, { form });
  }

  /** Polls the build status, as the deploy tool does, until it leaves `building`. */
  async settledStatus(serviceSid: string, buildSid: string): Promise<string> {
    for (;;) {
      const answer = await this.call('GET', `/v1/Services/${serviceSid}/Builds/${buildSid}/Status`);
      if (answer.body.status !== 'building') return answer.body.status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The form serverless-api sends to create a build: Dependencies as quoted JSON, versions repeated. */
export function buildForm(spec: {
  functionVersions?: string[];
  dependencies?: Array<{ name: string; version: string }>;
  runtime?: string;
}) {
  const form = new URLSearchParams();
  if (spec.dependencies) form.set('Dependencies', `"${JSON.stringify(spec.dependencies)}"`);
  for (const sid of spec.functionVersions ?? []) form.append('FunctionVersions', sid);
  if (spec.runtime) form.set('Runtime', spec.runtime);
  return form;
}

function expectCreated(answer: RawAnswer): Record<string, any> {
  if (answer.status !== 201) throw new Error(`expected 201, got ${answer.status}: ${answer.text}`);
  return answer.body;
}
