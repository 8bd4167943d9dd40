import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatedFiles, payloadFields, type SchemaNode } from '../../scripts/generate-docs';
import schema from '../../schema/enriched-interaction.schema.json';

/** The configuration table, .env.example and the payload's field table are written by `npm run docs`, never by hand. */

const ROOT = path.resolve(__dirname, '../..');

test.each(generatedFiles().map((file) => [file.path, file.content]))('%s is what npm run docs writes', (file, expected) => {
  const actual = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const wanted = expected.split('\n');
  const line = wanted.findIndex((text, index) => actual[index] !== text);
  const stale = line === -1 && actual.length !== wanted.length ? wanted.length : line;
  if (stale !== -1)
    throw new Error(
      `${file} is stale at line ${stale + 1}: run npm run docs.\n  in the file:  ${actual[stale] ?? '(end of file)'}\n  npm run docs: ${wanted[stale] ?? '(end of file)'}`,
    );
});

test('the field walk finds the fields it should (a check of the generator itself)', () => {
  const paths = payloadFields(schema as SchemaNode).map((field) => field.path);
  expect(paths).toEqual(
    expect.arrayContaining(['customer.name', 'channels[].participants[].type', 'meta.warnings[].code', 'task.attributesRaw']),
  );
  expect(paths).not.toContain('meta.warnings[].code.type');
});

test('a field whose values the schema lists names each of them in its type or description', () => {
  const unnamed = payloadFields(schema as SchemaNode).flatMap((field) =>
    (field.values ?? [])
      .filter((value) => value !== null && ![field.type, field.description].some((text) => text.includes(`\`${String(value)}\``)))
      .map((value) => `${field.path}: ${String(value)}`),
  );
  expect(unnamed).toEqual([]);
});

test('a schema field without a description stops the generator', () => {
  const bare = { type: 'object', properties: { documented: { type: 'string', description: 'Here.' }, bare: { type: 'string' } } };
  expect(() => payloadFields(bare)).toThrow('the field bare has no description');
});
