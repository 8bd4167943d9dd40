import { createHash } from 'node:crypto';
import schema from '../../schema/enriched-interaction.schema.json';
import { SCHEMA_VERSION } from '../../src/core/payload';

/**
 * `meta.schemaVersion` tells callers which shape they hold, so a change to the schema's structure is a decision:
 * the fingerprint below is pinned together with the version it was decided for, and a structural change fails
 * here until someone either bumps SCHEMA_VERSION (a caller written for the old shape could break) or pins the new
 * fingerprint under the same version (the old shape's callers are still served). Descriptions and examples are not
 * structure: rewording them needs no decision.
 */
const PINNED = { schemaVersion: 2, fingerprint: 'b5654019f73eff89' };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keywords that say nothing about what validates. */
const ANNOTATIONS = new Set(['description', 'examples', '$comment', 'title']);
/** Keywords whose value is a schema, a list of schemas, or a map from names to schemas. */
const SUBSCHEMA = new Set(['items', 'not', 'if', 'then', 'else', 'additionalProperties', 'contains', 'propertyNames']);
const SUBSCHEMA_LISTS = new Set(['oneOf', 'anyOf', 'allOf', 'prefixItems']);
const SUBSCHEMA_MAPS = new Set(['properties', '$defs', 'patternProperties', 'dependentSchemas']);

/** The schema without its annotations, keys sorted: a field named `description` is kept, its description is not. */
function structure(node: Json): Json {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const kept: { [key: string]: Json } = {};
  for (const key of Object.keys(node).sort()) {
    if (ANNOTATIONS.has(key)) continue;
    const value = node[key]!;
    if (SUBSCHEMA.has(key)) kept[key] = structure(value);
    else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) kept[key] = value.map(structure);
    else if (SUBSCHEMA_MAPS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value))
      kept[key] = Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((name) => [name, structure(value[name]!)]),
      );
    else kept[key] = sorted(value);
  }
  return kept;
}

/** A value that is not a schema (an enum, a const, `required`), with the keys of its objects sorted. */
function sorted(value: Json): Json {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted(value[key]!)]),
  );
}

function fingerprint(node: Json): string {
  return createHash('sha256')
    .update(JSON.stringify(structure(node)))
    .digest('hex')
    .slice(0, 16);
}

const published = schema as unknown as Json;
const schemaConst = (schema.$defs.meta.properties.schemaVersion as { const: unknown }).const;

test('the schema, the code and the pin name the same schemaVersion', () => {
  expect({ 'the schema’s meta.schemaVersion const': schemaConst }).toEqual({ 'the schema’s meta.schemaVersion const': SCHEMA_VERSION });
  if (PINNED.schemaVersion !== SCHEMA_VERSION)
    throw new Error(
      `SCHEMA_VERSION is ${SCHEMA_VERSION}, but the fingerprint in test/unit/schema-version.test.ts was pinned for ` +
        `${PINNED.schemaVersion}: pin { schemaVersion: ${SCHEMA_VERSION}, fingerprint: '${fingerprint(published)}' }.`,
    );
});

test('the schema’s structure is the one pinned with this schemaVersion', () => {
  const now = fingerprint(published);
  if (now !== PINNED.fingerprint)
    throw new Error(
      [
        `The structure of schema/enriched-interaction.schema.json changed (fingerprint ${now}; pinned: ${PINNED.fingerprint} ` +
          `with schemaVersion ${PINNED.schemaVersion}). Decide what it means for callers of schemaVersion ${SCHEMA_VERSION}:`,
        `- breaking (a field removed, renamed or no longer always there; a type, a format or a list of values changed or ` +
          `narrowed; a field that was never null may now be null): bump SCHEMA_VERSION in src/core/payload.ts and the ` +
          `schema's meta.schemaVersion const, add a row to the table of versions in docs/payload.md, then pin the new fingerprint with the new version;`,
        `- compatible (a new field, optional or not: a caller reads the fields it knows): keep the version and ` +
          `pin { schemaVersion: ${SCHEMA_VERSION}, fingerprint: '${now}' } in test/unit/schema-version.test.ts.`,
      ].join('\n'),
    );
});

describe('the fingerprint (a check of the check)', () => {
  const base = { type: 'object', properties: { description: { type: 'string', description: 'A field named description.' } } };

  test('ignores descriptions, examples and key order', () => {
    const reworded = {
      properties: { description: { description: 'Reworded.', examples: ['x'], type: 'string' } },
      type: 'object',
      description: 'Now with a description.',
    };
    expect(fingerprint(reworded)).toBe(fingerprint(base));
  });

  test('sees a field added, a type changed, a value listed, a field made required, and a field named description removed', () => {
    const changes: Json[] = [
      { ...base, properties: { ...base.properties, more: { type: 'string' } } },
      { ...base, properties: { description: { type: ['string', 'null'] } } },
      { ...base, properties: { description: { type: 'string', enum: ['a'] } } },
      { ...base, required: ['description'] },
      { ...base, properties: {} },
    ];
    for (const changed of changes) expect(fingerprint(changed)).not.toBe(fingerprint(base));
  });

  test('sees a change deep in the published schema’s $defs, and not a rewording there', () => {
    const copy = JSON.parse(JSON.stringify(schema));
    copy.$defs.transfer.properties.type = { type: 'string' };
    expect(fingerprint(copy)).not.toBe(fingerprint(published));
    const reworded = JSON.parse(JSON.stringify(schema));
    reworded.$defs.transfer.properties.type.description = 'Reworded.';
    expect(fingerprint(reworded)).toBe(fingerprint(published));
  });
});
