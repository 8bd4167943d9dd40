import { openapiSchemaToJsonSchema } from '@openapi-contrib/openapi-schema-to-json-schema';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Twilio's own OpenAPI descriptions (twilio-oai, shipped in @twilio-alpha/mcp),
 * turned into JSON Schema (OpenAPI 3.0's `nullable` becomes a null type) and
 * compiled with Ajv, so a response can be checked against the operation that
 * produced it. An operationId is unique within a spec only: where two specs
 * use one (Serverless's and Sync's `FetchService`), name the spec too, as
 * `twilio_sync_v1.json#FetchService`.
 */

const SPEC_DIR = path.join(path.dirname(require.resolve('@twilio-alpha/mcp/package.json')), 'twilio-oai/spec/json');
const SPEC_FILES = [
  'twilio_flex_v1.json',
  'twilio_conversations_v1.json',
  'twilio_taskrouter_v1.json',
  'twilio_iam_v1.json',
  'twilio_serverless_v1.json',
  'twilio_sync_v1.json',
];
const KNOWN_FORMATS = new Set(['uri', 'date-time', 'date', 'email', 'int32', 'int64', 'float', 'double']);

type JsonObject = Record<string, any>;

interface Operation {
  file: string;
  method: string;
  path: string;
  responses: Record<string, JsonObject>;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addFormat('int32', true).addFormat('int64', true).addFormat('float', true).addFormat('double', true);

const operations = new Map<string, Operation[]>();
const componentSchemas = new Map<string, JsonObject>();

function toJsonSchema(schema: JsonObject, file: string): JsonObject {
  const converted = openapiSchemaToJsonSchema(schema as never) as JsonObject;
  delete converted.$schema;
  return JSON.parse(JSON.stringify(converted).replaceAll('"#/components/', `"${file}#/components/`));
}

function collectFormats(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((item) => collectFormats(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'format' && typeof item === 'string') into.add(item);
      else collectFormats(item, into);
    }
  }
}

for (const file of SPEC_FILES) {
  const spec = JSON.parse(readFileSync(path.join(SPEC_DIR, file), 'utf8')) as JsonObject;
  const formats = new Set<string>();
  collectFormats(spec, formats);
  for (const format of formats) if (!KNOWN_FORMATS.has(format) && !ajv.formats[format]) ajv.addFormat(format, true);
  const schemas: JsonObject = {};
  for (const [name, schema] of Object.entries(spec.components.schemas as JsonObject)) {
    schemas[name] = toJsonSchema(schema, file);
    componentSchemas.set(`${file}:${name}`, schemas[name]);
  }
  ajv.addSchema({ $id: file, components: { schemas } });
  for (const [apiPath, methods] of Object.entries(spec.paths as JsonObject)) {
    for (const [method, operation] of Object.entries(methods as JsonObject)) {
      if (!operation || typeof operation !== 'object' || !('operationId' in operation)) continue;
      const found = { file, method, path: apiPath, responses: operation.responses ?? {} };
      operations.set(operation.operationId, [...(operations.get(operation.operationId) ?? []), found]);
    }
  }
}

/** `FetchInteraction`, or `twilio_sync_v1.json#FetchService` where more than one spec has that operationId. */
export function specOperation(name: string): Operation {
  const [file, operationId] = name.includes('#') ? name.split('#') : [undefined, name];
  const candidates = (operations.get(operationId!) ?? []).filter((operation) => file === undefined || operation.file === file);
  if (candidates.length === 0) throw new Error(`twilio-oai has no operation ${name}`);
  if (candidates.length > 1)
    throw new Error(
      `${name} is an operation of ${candidates.map((c) => c.file).join(' and ')}: name one, as ${candidates[0]!.file}#${name}`,
    );
  return candidates[0]!;
}

const compiled = new Map<string, ValidateFunction>();

function responseSchema(operationId: string, status: number): JsonObject {
  const operation = specOperation(operationId);
  const response = operation.responses[String(status)];
  if (!response)
    throw new Error(`twilio-oai declares no ${status} response for ${operationId}: ${Object.keys(operation.responses).join(', ')}`);
  return toJsonSchema(response.content['application/json'].schema, operation.file);
}

/** Validates a success body against the schema twilio-oai gives `operationId` for `status`. */
export function validateAgainstSpec(operationId: string, status: number, body: unknown): string[] {
  const key = `${operationId}:${status}`;
  if (!compiled.has(key)) compiled.set(key, ajv.compile(responseSchema(operationId, status)));
  const validate = compiled.get(key)!;
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/**
 * The flex, conversations and taskrouter specs declare no error responses;
 * twilio-oai describes Twilio's error body once, as `twilio.service_error_response`
 * (in twilio_iam_v1.json). Twilio always sends all four fields, so they are required here.
 */
const errorValidator = ajv.compile({
  allOf: [{ $ref: 'twilio_iam_v1.json#/components/schemas/twilio.service_error_response' }],
  required: ['code', 'message', 'more_info', 'status'],
});

export function validateTwilioError(body: unknown): string[] {
  return errorValidator(body) ? [] : (errorValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/**
 * Properties of `body` the spec does not declare for that resource (the spec
 * schemas allow extra properties, so Ajv alone would not notice an invented field).
 */
export function undeclaredProperties(operationId: string, status: number, body: JsonObject, listKey?: string): string[] {
  const schema = responseSchema(operationId, status);
  const resolve = (s: JsonObject): JsonObject => {
    if (!s.$ref) return s;
    const [file, pointer] = (s.$ref as string).split('#/components/schemas/');
    return componentSchemas.get(`${file}:${pointer}`)!;
  };
  const top = resolve(schema);
  const resource = listKey ? resolve(top.properties[listKey].items) : top;
  const items = listKey ? (body[listKey] as JsonObject[]) : [body];
  const declared = new Set(Object.keys(resource.properties ?? {}));
  return [...new Set(items.flatMap((item) => Object.keys(item).filter((key) => !declared.has(key))))];
}
