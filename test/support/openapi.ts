import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import payloadSchema from '../../schema/enriched-interaction.schema.json';
import openApiDocument from '../../schema/openapi.json';

/**
 * Holds a request and its answer to schema/openapi.json: the request's parameters (query, body, content type) to its
 * operation's, and the answer's status, headers and body to the answers that operation lists. Tests call the
 * endpoints through test/support/endpoints.ts, which checks every exchange here.
 */

type Json = Record<string, any>;
const document = openApiDocument as Json;

/** The document's own address, beside the payload schema's: its `./enriched-interaction.schema.json` resolves to that $id. */
const DOCUMENT_ID = new URL('openapi.json', payloadSchema.$id).href;

// strictRequired off: a body's `anyOf: [{ required: [alias] }, ...]` names properties its parent declares.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema(payloadSchema);

/** A schema of the document with every $ref absolute: the document's components as $defs of DOCUMENT_ID. */
function absolute(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolute);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => {
      if (key !== '$ref' || typeof value !== 'string') return [key, absolute(value)];
      const component = /^#\/components\/schemas\/(.+)$/.exec(value);
      return [key, component ? `${DOCUMENT_ID}#/$defs/${component[1]}` : new URL(value, DOCUMENT_ID).href];
    }),
  );
}
ajv.addSchema({ $id: DOCUMENT_ID, $defs: absolute(document.components.schemas) });

const compiled = new WeakMap<object, ValidateFunction>();
function validatorOf(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(absolute(schema) as object)));
  return validate;
}
const failure = (validate: ValidateFunction) => ajv.errorsText(validate.errors, { separator: '; ' });

/** A component the document names by `#/components/...`, or the object itself. */
function resolved(node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  return node.$ref
    .slice(2)
    .split('/')
    .reduce((at: Json, key: string) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}

export interface Exchange {
  method: string;
  /** The path, with its query string. */
  path: string;
  request: {
    /** The Content-Type sent, if any. */
    contentType?: string;
    /** The body as sent (text), or the parameters a JSON body or a form carried. */
    body?: string | Record<string, unknown>;
  };
  response: { status: number; headers: Headers | Record<string, string>; body: unknown };
}

/**
 * How a test's request is held to the document: `valid` (the default), `invalid` for a request a test means to be
 * malformed in a way the document can say (a SID that is no SID, a Token in the URL), and `unchecked` for one whose
 * fault the document cannot express (an expired token, names that disagree). Its answer is checked all the same.
 */
export type RequestCheck = 'valid' | 'invalid' | 'unchecked';

function operationOf(method: string, pathname: string): Json | undefined {
  return document.paths[pathname]?.[method.toLowerCase()];
}

/** A form body or a query string as the runtime reads it: a repeated name is a list. */
function fieldsOf(params: URLSearchParams): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    fields[name] = values.length === 1 ? values[0] : values;
  }
  return fields;
}

/** What the document finds wrong with the request; empty when it describes it. */
export function requestProblems({ method, path, request }: Exchange): string[] {
  const url = new URL(path, 'http://localhost');
  const operation = operationOf(method, url.pathname);
  if (!operation) return [`${method} ${url.pathname} is not an operation of the document`];
  const problems: string[] = [];
  const queryParameters = new Map<string, Json>(
    (operation.parameters as Json[])
      .map(resolved)
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => [parameter.name, parameter]),
  );
  const bodyContent: Record<string, Json> = operation.requestBody?.content ?? {};
  const bodyNames = new Set(Object.values(bodyContent).flatMap((media) => Object.keys(resolved(media.schema).properties ?? {})));
  const query = fieldsOf(url.searchParams);
  for (const [name, value] of Object.entries(query)) {
    const parameter = queryParameters.get(name);
    if (parameter) {
      const validate = validatorOf(parameter.schema);
      if (!validate(value)) problems.push(`query parameter ${name}: ${failure(validate)}`);
    } else if (bodyNames.has(name)) problems.push(`${name} is not a query parameter: it belongs in the body`);
  }

  const hasBody = request.body !== undefined && request.body !== '';
  if (!operation.requestBody) return hasBody ? [...problems, `${method} takes no body`] : problems;
  if (!hasBody && operation.requestBody.required) return [...problems, 'the operation requires a body'];
  // No body: the parameters are the query's alone, read as a form's fields are.
  const mediaType = hasBody ? request.contentType?.split(';')[0]!.trim().toLowerCase() : 'application/x-www-form-urlencoded';
  const media = mediaType === undefined ? undefined : bodyContent[mediaType];
  if (!media) return [...problems, `a body of type ${request.contentType ?? '(none)'} is not one the operation takes`];
  let body: unknown = hasBody ? request.body : {};
  if (typeof body === 'string') {
    try {
      body = mediaType === 'application/json' ? JSON.parse(body) : fieldsOf(new URLSearchParams(body));
    } catch {
      return [...problems, 'the body is not JSON'];
    }
  }
  // The runtime merges the query and the body, the body's values over the query's: so does the operation's schema.
  const merged = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...query, ...body } : body;
  const validate = validatorOf(media.schema);
  if (!validate(merged)) problems.push(`the parameters: ${failure(validate)}`);
  return problems;
}

/**
 * Throws unless the answer is one the document lists for this operation: its status, its headers, its body. An answer
 * to a method the document does not list (a GET refused with a 400) is held to the path's POST.
 */
export function assertAnswerConforms({ method, path, response }: Exchange): void {
  const { pathname } = new URL(path, 'http://localhost');
  const operation = operationOf(method, pathname) ?? operationOf('post', pathname);
  const seen = `${method} ${pathname} answered ${response.status}`;
  if (!operation) throw new Error(`${seen}: the document has no such path`);
  const answer = operation.responses[String(response.status)];
  if (!answer) throw new Error(`${seen}, a status the document does not list (it lists ${Object.keys(operation.responses).join(', ')})`);
  const headers =
    response.headers instanceof Headers
      ? response.headers
      : new Headers(Object.entries(response.headers).map(([name, value]): [string, string] => [name, String(value)]));
  for (const [name, declared] of Object.entries(answer.headers ?? {}) as Array<[string, Json]>) {
    const header = resolved(declared);
    const value = headers.get(name);
    if (value === null) {
      if (header.required) throw new Error(`${seen} without its ${name} header`);
      continue;
    }
    const validate = validatorOf(header.schema);
    if (!validate(value)) throw new Error(`${seen} with ${name}: ${value}, which the document does not allow: ${failure(validate)}`);
  }
  const mediaType = headers.get('content-type')?.split(';')[0]!.trim();
  const media = mediaType ? answer.content?.[mediaType] : undefined;
  if (!media) throw new Error(`${seen} with Content-Type ${mediaType ?? '(none)'}, not one the document lists`);
  const validate = validatorOf(media.schema);
  if (!validate(response.body)) throw new Error(`${seen} with a body the document does not allow: ${failure(validate)}`);
}

/** Throws unless the request is as `check` says and the answer one the document lists. */
export function assertConformsToOpenApi(exchange: Exchange, check: RequestCheck = 'valid'): void {
  if (check !== 'unchecked') {
    const problems = requestProblems(exchange);
    if (check === 'valid' && problems.length > 0)
      throw new Error(`${exchange.method} ${exchange.path}: a request the document does not describe: ${problems.join('; ')}`);
    if (check === 'invalid' && problems.length === 0)
      throw new Error(`${exchange.method} ${exchange.path}: meant to be malformed, yet the document describes this request`);
  }
  assertAnswerConforms(exchange);
}
