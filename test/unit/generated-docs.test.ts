import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GENERATED_PATHS,
  generatedFiles,
  payloadFields,
  rehearsalSample,
  type GeneratedFile,
  type SchemaNode,
} from '../../scripts/generate-docs';
import schema from '../../schema/enriched-interaction.schema.json';
import { readSeedFile } from '../../emulator/seed';
import { assertMatchesSchema } from '../support/schema';

/**
 * The configuration table, .env.example, the payload's example answer and its field table, and the rehearsal's
 * sample output are written by `npm run docs`, never by hand: the example from what the code answers now, so a
 * change to the payload that is not in the docs fails here.
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

test('the rehearsal sample names every dependency and function of the project it reads (a check of the generator)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'rehearsal-sample-'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'demo', dependencies: { a: '1.0.0', b: '^2.1.0', c: '3' } }));
  writeFileSync(path.join(root, '.twilioserverlessrc'), JSON.stringify({ runtime: 'node24' }));
  mkdirSync(path.join(root, 'src/functions/deep'), { recursive: true });
  for (const file of ['hello.ts', 'deep/secret.private.ts', 'deep/inner.protected.ts'])
    writeFileSync(path.join(root, 'src/functions', file), '');
  const sample = rehearsalSample(root);
  expect(sample).toContain('on node24\n    protected /deep/inner\n    private   /deep/secret\n    public    /hello\n');
  expect(sample).toContain('    dependencies: a@1.0.0, b@^2.1.0, c@3\n');
  expect(sample).toContain('and only those: `a`, `b` and `c`.');
});
