import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { specOperation } from '../support/twilio-oai';

/**
 * Success bodies Twilio may send for an operation, as fast-check arbitraries
 * walked from its twilio-oai response schema: `$ref`, OpenAPI 3.0's
 * `nullable`, enums, patterns (SIDs), `uri` and `date-time`, optional
 * properties (twilio-oai marks none required), and any JSON where a field has
 * no type (`routing`, `routing_properties`, `messaging_binding`). Built on
 * fast-check itself so a failure shrinks to a small answer.
 *
 * `hints` add, by a field's path (`routing`, `meta.key`, `channels[].sid`), a
 * second arbitrary for that field, drawn half the time: a value the field
 * allows that plain generation would rarely make, such as Flex routing in the
 * untyped `routing`. The tests check every generated body against the spec.
 */

type Schema = Record<string, any>;
export type Hints = Record<string, fc.Arbitrary<unknown>>;

const SPEC_DIR = path.join(path.dirname(require.resolve('@twilio-alpha/mcp/package.json')), 'twilio-oai/spec/json');
const specs = new Map<string, Schema>();

function specFile(file: string): Schema {
  if (!specs.has(file)) specs.set(file, JSON.parse(readFileSync(path.join(SPEC_DIR, file), 'utf8')));
  return specs.get(file)!;
}

export interface SpecAnswers {
  method: string;
  /** Matches the URLs of this operation (host and path). */
  url: RegExp;
  body: fc.Arbitrary<Record<string, unknown>>;
  /** Every field of the body by its path, and whether it is nullable. */
  fields: Map<string, { nullable: boolean }>;
}

export function specAnswers(operationId: string, hints: Hints = {}): SpecAnswers {
  const operation = specOperation(operationId);
  const spec = specFile(operation.file);
  const resolve = (ref: string): Schema => spec.components.schemas[ref.replace('#/components/schemas/', '')];

  const walk = (schema: Schema, at: string): fc.Arbitrary<unknown> => {
    if (schema.$ref) return walk(resolve(schema.$ref), at);
    const plain = arbitraryOf(schema, at, walk);
    const hinted = hints[at] ? fc.oneof(plain, hints[at]) : plain;
    return schema.nullable ? fc.option(hinted, { nil: null }) : hinted;
  };

  const schema: Schema = operation.responses['200']!.content['application/json'].schema;
  const fields = fieldsOf(schema, resolve);
  const unknown = Object.keys(hints).filter((at) => !fields.has(at));
  if (unknown.length > 0) throw new Error(`${operationId} has no field ${unknown.join(', ')}`);
  const server: string = (spec.paths[operation.path].servers ?? spec.servers)[0].url;
  const pathPattern = operation.path.replace(/\{[^}]+\}/g, '[^/]+');
  return {
    method: operation.method,
    url: new RegExp(`^${server.replaceAll('.', '\\.')}${pathPattern}(?:\\?|$)`),
    body: walk(schema, '') as fc.Arbitrary<Record<string, unknown>>,
    fields,
  };
}

function arbitraryOf(schema: Schema, at: string, walk: (schema: Schema, at: string) => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case undefined:
      return fc.jsonValue({ maxDepth: 2 });
    case 'object':
      if (!schema.properties) return fc.dictionary(text(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 });
      return fc.record(
        Object.fromEntries(Object.entries(schema.properties as Schema).map(([key, property]) => [key, walk(property, join(at, key))])),
        { requiredKeys: schema.required ?? [] },
      );
    case 'array':
      return fc.array(walk(schema.items, `${at}[]`), { maxLength: 3 });
    case 'integer':
      // JSON numbers past 2^53 are integers too (1e21 is one).
      return fc.oneof(fc.maxSafeInteger(), fc.double({ min: -1e300, max: 1e300, noNaN: true }).map(Math.trunc));
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      if (schema.format === 'uri') return fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), otherUri);
      if (schema.format === 'date-time') return dateTime;
      return text(schema.minLength, schema.maxLength);
  }
  throw new Error(`No arbitrary for ${JSON.stringify(schema)} at ${at || 'the body'}`);
}

const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

/** Short ASCII or Unicode text, and now and then (when the length is free) tens of kB of it, more than Studio takes. */
function text(minLength = 0, maxLength?: number): fc.Arbitrary<string> {
  const short = [fc.string({ minLength, maxLength }), fc.string({ unit: 'grapheme', minLength, maxLength })];
  if (maxLength !== undefined) return fc.oneof(...short);
  const long = fc
    .tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.integer({ min: 20_000, max: 70_000 }))
    .map(([unit, times]) => unit.repeat(times));
  return fc.oneof({ arbitrary: short[0]!, weight: 5 }, { arbitrary: short[1]!, weight: 5 }, { arbitrary: long, weight: 1 });
}

/**
 * RFC 3339 as Ajv's date-time reads it: any calendar date of years 0000-9999, `T`, `t` or a space, a fraction or
 * none, Z or an offset (`+05`, `+0530`, `+05:30`), and the leap second.
 */
const zone = fc.oneof(
  fc.constantFrom('Z', 'z'),
  fc
    .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('', ':', 'none'))
    .map(([sign, hours, minutes, separator]) => `${sign}${pad(hours)}${separator === 'none' ? '' : separator + pad(minutes)}`),
);
const dateTime = fc
  .tuple(
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('T', 't', ' '),
    fc.option(fc.stringMatching(/^\.\d{1,9}$/), { nil: '' }),
    fc.oneof({ arbitrary: zone, weight: 9 }, { arbitrary: fc.constant('leap second'), weight: 1 }),
  )
  .map(([date, separator, fraction, zone]) => {
    const [day, time] = date.toISOString().slice(0, 19).split('T');
    return zone === 'leap second' ? `${day}${separator}23:59:60${fraction}Z` : `${day}${separator}${time}${fraction}${zone}`;
  });

const pad = (n: number) => String(n).padStart(2, '0');

/** URIs of other schemes than http(s): RFC 3986 lets `uri` be any of them. */
const otherUri = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,6}:[\w.~!$&'()*+,;=@-][\w.~!$&'()*+,;=:@/-]{0,20}$/);

function fieldsOf(schema: Schema, resolve: (ref: string) => Schema, at = '', into = new Map<string, { nullable: boolean }>()) {
  if (schema.$ref) return fieldsOf(resolve(schema.$ref), resolve, at, into);
  if (at) into.set(at, { nullable: schema.nullable === true });
  for (const [key, property] of Object.entries((schema.properties ?? {}) as Schema)) fieldsOf(property, resolve, join(at, key), into);
  if (schema.items) fieldsOf(schema.items, resolve, `${at}[]`, into);
  return into;
}
