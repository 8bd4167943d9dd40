import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_PATHS, generatedFiles, payloadFields, type GeneratedFile, type SchemaNode } from '../../scripts/generate-docs';
import schema from '../../schema/enriched-interaction.schema.json';
import { readSeedFile } from '../../emulator/seed';
import { assertMatchesSchema } from '../support/schema';

/**
 * The configuration table, .env.example, the payload's example answer and its field table are written by
 * `npm run docs`, never by hand: the example from what the code answers now, so a change to the payload that is
 * not in the docs fails here.
 */

const ROOT = path.resolve(__dirname, '../..');

let generated: GeneratedFile[];
beforeAll(async () => {
  generated = await generatedFiles();
});

test.each(GENERATED_PATHS)('%s is what npm run docs writes', (file) => {
  const actual = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const wanted = generated.find((written) => written.path === file)!.content.split('\n');
  const line = wanted.findIndex((text, index) => actual[index] !== text);
  const stale = line === -1 && actual.length !== wanted.length ? wanted.length : line;
  if (stale !== -1)
    throw new Error(
      `${file} is stale at line ${stale + 1}: run npm run docs.\n  in the file:  ${actual[stale] ?? '(end of file)'}\n  npm run docs: ${wanted[stale] ?? '(end of file)'}`,
    );
});

test('the example answer in docs/payload.md is a payload the schema accepts, for a seeded interaction', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/payload.md'), 'utf8');
  const block = /<!-- generated: payload example .*-->\s*```json\n([\s\S]*?)\n```\s*<!-- end generated: payload example -->/.exec(doc);
  expect(block).not.toBeNull();
  const example = JSON.parse(block![1]!);
  assertMatchesSchema('payload', example);
  expect(readSeedFile().interactions.map((interaction) => interaction.sids.interaction)).toContain(example.interaction.sid);
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
