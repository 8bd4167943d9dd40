// The OpenAPI 3.1 document of the three endpoints (schema/openapi.json, written by npm run docs), built from the
// sources the code reads: the parameters from src/core/request-parameters.ts, the errors from src/core/errors.ts,
// the CORS headers from the Flex caller. The answers' bodies are $refs into schema/enriched-interaction.schema.json,
// never copies.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { corsHeaders } from '../src/core/callers/flex-caller';
import type { Config } from '../src/core/config';
import { ERROR_ENDPOINTS, ERROR_MEANINGS, ERROR_STATUS, type ErrorCode } from '../src/core/errors';
import { REQUEST_ID_PATTERN, TOKEN_BELONGS_IN_THE_BODY } from '../src/core/request-input';
import {
  ENDPOINT_PATHS,
  ENDPOINTS,
  INCLUDE_PARTS,
  PARAMETER_TEXT,
  REQUEST_PARAMETERS,
  type Endpoint,
  type ParameterName,
  type RequestParameter,
} from '../src/core/request-parameters';
import { SID_PATTERNS } from '../src/core/sid';

export const OPENAPI_FILE = 'schema/openapi.json';
/** The payload's schema, relative to OPENAPI_FILE. */
const PAYLOAD = './enriched-interaction.schema.json';

type Json = Record<string, unknown>;

const ENDPOINT_TITLES: Record<Endpoint, { operationId: string; summary: string; description: string }> = {
  flex: {
    operationId: 'enrichForFlex',
    summary: 'Enrich an interaction for a Flex plugin (public; the Flex token in the body)',
    description:
      "A Flex plugin sends the signed-in user's Flex token as `Token`, in the body, with the other parameters. The token " +
      'is validated with Twilio IAM before the interaction is fetched: a missing one is a 401 that costs no Twilio call, ' +
      'an invalid or expired one a 401, a token without one of `FLEX_ALLOWED_ROLES` (when set) a 403. A browser page on an ' +
      "origin that `FLEX_ALLOWED_ORIGINS` does not list (nor the Service's own) is refused with `403 origin_not_allowed` " +
      'before any Twilio call; answers to a listed origin carry CORS headers. Preflights (`OPTIONS`) are answered by the ' +
      `Functions runtime with 204 and never reach the function. ${TOKEN_BELONGS_IN_THE_BODY}`,
  },
  studio: {
    operationId: 'enrichForStudio',
    summary: "Enrich an interaction for Studio's Make HTTP Request or Run Function widget (protected)",
    description:
      'Studio parses at most 64 kB of JSON, so a 200 answer is kept under `STUDIO_MAX_RESPONSE_BYTES`: long lists are ' +
      'cut first, and `meta.truncated` with a `truncated` warning say what was cut.',
  },
  webhook: {
    operationId: 'enrichFromWebhook',
    summary: 'Enrich the interaction of a TaskRouter event callback or another webhook (protected)',
    description:
      'The Interaction SID comes from `TaskAttributes.flexInteractionSid` or `InteractionSid`. An event that carries ' +
      'no interaction is acknowledged with 200 and a `skipped` answer, so TaskRouter does not retry it. With ' +
      "`WEBHOOK_WRITE_BACK=true` the enrichment's summary is also merged into the task's attributes (`writeBack`).",
  },
};

const MERGED =
  'The runtime merges the query string and the body into one set of parameters before the function runs, the ' +
  "body's value replacing the query's under the same name: send each parameter once.";

/** Each letter in either case: the parser lower-cases what it compares. */
const anyCase = (word: string) => word.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);

/** The JSON Schema of a value as text (a form field, a query parameter), and what a JSON body may send instead. */
export function valueSchemas(parameter: RequestParameter): { text: Json; json?: Json } {
  const { value, maxLength } = parameter;
  if (typeof value === 'object') return { text: { type: 'string', pattern: SID_PATTERNS[value.sid].source } };
  if (value === 'include') {
    const part = `(?:${['all', ...INCLUDE_PARTS].map(anyCase).join('|')})`;
    // A comma list; empty items and spaces around an item are ignored.
    return { text: { type: 'string', maxLength, pattern: `^\\s*(?:${part}?\\s*(?:,\\s*${part}?\\s*)*)?$`, examples: ['channels,task'] } };
  }
  if (value === 'boolean')
    return { text: { type: 'string', pattern: `^(?:${anyCase('true')}|${anyCase('false')}|1|0)?$` }, json: { type: 'boolean' } };
  if (value === 'json-object') {
    const object = {
      type: 'object',
      properties: { flexInteractionSid: { type: 'string', pattern: `^(?:${SID_PATTERNS.interaction.source.slice(1, -1)})?$` } },
    };
    return { text: { type: 'string', maxLength, contentMediaType: 'application/json', contentSchema: object }, json: object };
  }
  // Text that must be there holds more than spaces: the parser trims it.
  return { text: { type: 'string', maxLength, ...(parameter.requiredOn ? { pattern: '\\S' } : {}) } };
}

const parametersOf = (endpoint: Endpoint) =>
  (Object.entries(REQUEST_PARAMETERS) as Array<[ParameterName, RequestParameter]>).filter(([, p]) => p.endpoints.includes(endpoint));

/** What the parameter table and the document say of a parameter: its text, its other names, its pattern. */
export function parameterDescription(name: ParameterName): string {
  const { names, value } = REQUEST_PARAMETERS[name] as RequestParameter;
  const others = names.slice(1).map((other) => `\`${other}\``);
  const also = others.length ? ` Also accepted as ${others.join(', ').replace(/, ([^,]*)$/, ' or $1')}.` : '';
  const checked =
    typeof value === 'object' ? ` Checked against \`${SID_PATTERNS[value.sid].source}\` before anything is sent to Twilio.` : '';
  return `${PARAMETER_TEXT[name]}${also}${checked}`;
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Each parameter's value, once: as text, and (when a JSON body may send more) as a JSON body's value. */
function parameterSchemas(): Json {
  return Object.fromEntries(
    (Object.entries(REQUEST_PARAMETERS) as Array<[ParameterName, RequestParameter]>).flatMap(([name, parameter]) => {
      const { text, json } = valueSchemas(parameter);
      return [
        [name, { ...text, description: parameterDescription(name) }],
        ...(json ? [[`${name}InJson`, { anyOf: [schemaRef(name), json] }]] : []),
      ];
    }),
  );
}

/** The body's parameters of an endpoint, for a form (text only) or a JSON body. */
function bodySchema(endpoint: Endpoint, format: 'form' | 'json'): Json {
  const properties: Json = {};
  const required: Json[] = [];
  for (const [name, parameter] of parametersOf(endpoint)) {
    const value = schemaRef(format === 'json' && valueSchemas(parameter).json ? `${name}InJson` : name);
    parameter.names.forEach((alias, index) => {
      properties[alias] = index === 0 ? value : { ...value, description: `Another name of \`${name}\`.` };
    });
    if (parameter.requiredOn?.includes(endpoint))
      required.push(
        parameter.names.length === 1 ? { required: [name] } : { anyOf: parameter.names.map((alias) => ({ required: [alias] })) },
      );
  }
  return {
    type: 'object',
    description:
      `The endpoint's parameters (${format === 'form' ? 'form fields: text only' : 'a JSON object'}). Other ` +
      'parameters are ignored, but never one named `request`: the runtime passes the headers under that name. ' +
      'Names of one parameter that disagree are a 400 `conflicting_parameters`.',
    properties,
    propertyNames: { not: { const: 'request' } },
    ...(required.length ? { allOf: required } : {}),
  };
}

/** Every parameter that may come in the query, under each of its names. */
function queryParameterComponents(): Json {
  return Object.fromEntries(
    (Object.entries(REQUEST_PARAMETERS) as Array<[ParameterName, RequestParameter]>)
      .filter(([, parameter]) => !('bodyOnly' in parameter))
      .flatMap(([name, parameter]) =>
        parameter.names.map((alias, index) => [
          alias,
          {
            name: alias,
            in: 'query',
            required: false,
            ...(index === 0 ? {} : { description: `Another name of \`${name}\`.` }),
            schema: schemaRef(name),
          },
        ]),
      ),
  );
}

function queryParameters(endpoint: Endpoint): Json[] {
  return parametersOf(endpoint)
    .filter(([, parameter]) => !('bodyOnly' in parameter))
    .flatMap(([, parameter]) => parameter.names.map((alias) => ({ $ref: `#/components/parameters/${alias}` })));
}

const REQUEST_ID_HEADER = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description: `An id of the caller's own, kept for tracing and echoed when it matches \`${REQUEST_ID_PATTERN.source}\`; otherwise the request gets an id of its own.`,
  schema: { type: 'string' },
};

const ORIGIN_HEADER = {
  name: 'Origin',
  in: 'header',
  required: false,
  description:
    "Sent by browsers. An origin that `FLEX_ALLOWED_ORIGINS` does not list, other than the Service's own host, is a 403 `origin_not_allowed`.",
  schema: { type: 'string' },
};

/** The CORS headers a listed origin's answers carry, named and valued as the Flex caller sets them. */
function corsHeaderComponents(): Json {
  const granted = corsHeaders({ origin: 'https://flex.twilio.com' }, { allowedOrigins: ['*'] } as unknown as Config);
  return Object.fromEntries(
    Object.entries(granted)
      .filter(([name]) => name !== 'Vary')
      .map(([name, value]) => [
        name,
        {
          description: `CORS, on \`/interaction\`'s answers to an origin FLEX_ALLOWED_ORIGINS lists: ${name === 'Access-Control-Allow-Origin' ? 'that origin' : `\`${value}\``}.`,
          schema: { type: 'string' },
        },
      ]),
  );
}

const headerRefs = (names: string[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

function responseHeaders(endpoint: Endpoint, status: number): Json {
  return {
    ...headerRefs(['X-Request-Id', 'Cache-Control', ...(status === 429 ? ['Retry-After'] : [])]),
    ...(endpoint === 'flex' ? headerRefs(['Vary', ...Object.keys(corsHeaderComponents())]) : {}),
  };
}

/** The error codes an endpoint answers, by status. */
export function errorCodesOf(endpoint: Endpoint): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const meaning of ERROR_MEANINGS) {
    for (const code of meaning.codes.filter((code) => ERROR_ENDPOINTS[code]?.includes(endpoint) ?? true))
      byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function responses(endpoint: Endpoint): Json {
  const payload = { $ref: PAYLOAD };
  const answered: Json = {
    '200': {
      description:
        endpoint === 'webhook'
          ? 'The enriched interaction, or, for an event that carries no interaction, the `skipped` acknowledgement.'
          : 'The enriched interaction (`meta.partial` and `meta.warnings` when an included part failed).',
      headers: responseHeaders(endpoint, 200),
      content: {
        'application/json': { schema: endpoint === 'webhook' ? { oneOf: [payload, { $ref: `${PAYLOAD}#/$defs/skipped` }] } : payload },
      },
    },
  };
  for (const [status, codes] of errorCodesOf(endpoint)) {
    const when = ERROR_MEANINGS.filter((meaning) => meaning.codes.some((code) => codes.includes(code))).map(
      (meaning) =>
        `${meaning.codes
          .filter((code) => codes.includes(code))
          .map((code) => `\`${code}\``)
          .join(', ')}: ${meaning.when}`,
    );
    answered[String(status)] = {
      // Links in the README's words, from schema/ where this document lies.
      description: when.join('\n\n').replaceAll('](docs/', '](../docs/'),
      headers: responseHeaders(endpoint, status),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: `${PAYLOAD}#/$defs/error` },
              {
                type: 'object',
                properties: { error: { type: 'object', properties: { code: { enum: codes }, status: { const: status } } } },
              },
            ],
          },
        },
      },
    };
  }
  return answered;
}

function operation(endpoint: Endpoint, method: 'get' | 'post'): Json {
  const { operationId, summary, description } = ENDPOINT_TITLES[endpoint];
  const isProtected = endpoint !== 'flex';
  return {
    operationId: method === 'get' ? `${operationId}WithQuery` : operationId,
    summary: method === 'get' ? `${summary}, parameters in the query` : summary,
    description: `${description}\n\n${method === 'get' ? 'Every parameter in the query string.' : `Parameters in a form or JSON body, or the query string. ${MERGED}`}`,
    tags: [ENDPOINT_PATHS[endpoint]],
    security: isProtected ? [{ twilioSignature: [] }] : [],
    ...(endpoint === 'flex'
      ? {
          'x-flex-token': {
            in: 'body',
            name: 'Token',
            description:
              "The signed-in user's Flex token goes in the body as the required `Token` field, not in a header " +
              '(OpenAPI security schemes cannot name a body field), and is validated with Twilio IAM: ' +
              `\`POST https://iam.twilio.com/v1/Accounts/{AccountSid}/Tokens/validate\`. ${TOKEN_BELONGS_IN_THE_BODY}`,
          },
        }
      : {}),
    parameters: [...queryParameters(endpoint), REQUEST_ID_HEADER, ...(endpoint === 'flex' ? [ORIGIN_HEADER] : [])],
    ...(method === 'post'
      ? {
          requestBody: {
            required: endpoint === 'flex',
            content: {
              'application/x-www-form-urlencoded': { schema: { $ref: `#/components/schemas/${schemaName(endpoint, 'form')}` } },
              'application/json': { schema: { $ref: `#/components/schemas/${schemaName(endpoint, 'json')}` } },
            },
          },
        }
      : {}),
    responses: responses(endpoint),
  };
}

const schemaName = (endpoint: Endpoint, format: 'form' | 'json') =>
  `${endpoint[0]!.toUpperCase()}${endpoint.slice(1)}${format === 'form' ? 'Form' : 'Json'}Parameters`;

/** The document, from the code as it is now; the version from package.json under `root`. */
export function openApiDocument(root = path.resolve(__dirname, '..')): Json {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const methods: Record<Endpoint, Array<'get' | 'post'>> = { flex: ['post'], studio: ['post', 'get'], webhook: ['post'] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flex Interaction Enrichment',
      version,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'Twilio Serverless Functions that take a Flex Interaction SID and answer with an enriched JSON payload. Every ' +
        'answer is JSON with `Cache-Control: no-store` and an `X-Request-Id` header; a 200 answer is the payload of ' +
        '`enriched-interaction.schema.json`, an error the envelope of its `#/$defs/error`. Written by `npm run docs` ' +
        'from the code (scripts/openapi.ts); do not edit. Before a function runs, the Functions runtime answers on its ' +
        'own (not with these bodies) a body it cannot parse and, on the protected endpoints, a request whose ' +
        '`X-Twilio-Signature` is missing or wrong.',
    },
    servers: [
      { url: 'http://localhost:3000', description: '`npm start`: the functions on the local Twilio emulator' },
      {
        url: 'https://{domain}',
        description: 'A deployed environment of the Service',
        variables: { domain: { default: 'flex-interaction-enrichment-1234-dev.twil.io', description: "The environment's domain name." } },
      },
    ],
    tags: ENDPOINTS.map((endpoint) => ({ name: ENDPOINT_PATHS[endpoint], description: ENDPOINT_TITLES[endpoint].summary })),
    paths: Object.fromEntries(
      ENDPOINTS.map((endpoint) => [
        ENDPOINT_PATHS[endpoint],
        Object.fromEntries(methods[endpoint].map((method) => [method, operation(endpoint, method)])),
      ]),
    ),
    components: {
      schemas: {
        ...Object.fromEntries(
          ENDPOINTS.flatMap((endpoint) =>
            (['form', 'json'] as const).map((format) => [schemaName(endpoint, format), bodySchema(endpoint, format)]),
          ),
        ),
        ...parameterSchemas(),
      },
      parameters: queryParameterComponents(),
      headers: {
        'X-Request-Id': {
          description: "The request's id: the caller's own X-Request-Id when it is plain enough, else a new UUID. Logs carry it.",
          required: true,
          schema: { type: 'string', minLength: 1 },
        },
        'Cache-Control': { description: 'Answers are never cached.', required: true, schema: { const: 'no-store' } },
        'Retry-After': {
          description: 'Seconds to wait before trying again, as `error.retryAfterSeconds` says.',
          required: true,
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        Vary: { description: 'The answer depends on the Origin.', required: true, schema: { type: 'string', pattern: 'Origin' } },
        ...corsHeaderComponents(),
      },
      securitySchemes: {
        twilioSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Signature',
          description:
            "Twilio's request signature (HMAC-SHA1 with the account's auth token over the URL and the sorted form " +
            'fields, or over a URL carrying `bodySHA256` for a JSON body). Studio, TaskRouter and other Twilio webhooks ' +
            'sign their requests; the Functions runtime checks it before a protected function runs.',
        },
      },
    },
  };
}
