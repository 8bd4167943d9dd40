import { validate } from '@readme/openapi-parser';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledOpenApi } from '../../scripts/openapi-bundle';
import { OPENAPI_FILE } from '../../scripts/openapi';
import { ERROR_MEANINGS, ERROR_STATUS } from '../../src/core/errors';

/**
 * schema/openapi.json is an OpenAPI 3.1 document @readme/openapi-parser accepts, with the payload's schema resolved
 * from its own file; `npm run openapi:bundle` makes one file of it that tools importing one file can read.
 * (test/unit/generated-docs.test.ts holds it to the code; test/support/openapi.ts holds the tests' answers to it.)
 */

const ROOT = path.resolve(__dirname, '../..');
const documentText = () => readFileSync(path.join(ROOT, OPENAPI_FILE), 'utf8');

/** A copy of the project's schema/ folder with the document changed by `change`, for the validator to read. */
function schemaFolderWith(change: (text: string) => string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'openapi-'));
  mkdirSync(path.join(root, 'schema'));
  copyFileSync(path.join(ROOT, 'schema/enriched-interaction.schema.json'), path.join(root, 'schema/enriched-interaction.schema.json'));
  writeFileSync(path.join(root, OPENAPI_FILE), change(documentText()));
  copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
  return root;
}

const validationOf = async (file: string) => {
  const result = await validate(file);
  return result.valid ? 'valid' : result.errors.map((error) => error.message).join('\n');
};

test('schema/openapi.json is a valid OpenAPI 3.1 document, its $refs into the payload schema resolved', async () => {
  expect(JSON.parse(documentText()).openapi).toBe('3.1.0');
  expect(await validationOf(path.join(ROOT, OPENAPI_FILE))).toBe('valid');
});

test('the validator reads the payload schema: a $ref to a definition it lacks fails (a check of the test)', async () => {
  const broken = schemaFolderWith((text) => text.replace('#/$defs/skipped', '#/$defs/no-such-definition'));
  expect(await validationOf(path.join(broken, OPENAPI_FILE))).toMatch(/no-such-definition/);
});

test('the validator refuses a document that breaks the OpenAPI schema (a check of the test)', async () => {
  const broken = schemaFolderWith((text) => text.replace('"in": "query"', '"in": "body"'));
  expect(await validationOf(path.join(broken, OPENAPI_FILE))).not.toBe('valid');
});

test('answers reference the payload schema file, never a copy of it', () => {
  const document = JSON.parse(documentText());
  const refs = [...documentText().matchAll(/"\$ref": "(\.[^"]*)"/g)].map((match) => match[1]);
  expect(new Set(refs)).toEqual(
    new Set([
      './enriched-interaction.schema.json',
      './enriched-interaction.schema.json#/$defs/error',
      './enriched-interaction.schema.json#/$defs/skipped',
    ]),
  );
  expect(documentText()).not.toContain('"$defs"');
  expect(document.paths['/webhooks/interaction'].post.responses['200'].content['application/json'].schema.oneOf).toHaveLength(2);
});

test("each endpoint answers the statuses of its errors, and every error code is some endpoint's", () => {
  const document = JSON.parse(documentText());
  const operations = Object.values(document.paths).flatMap((item) => Object.values(item as object));
  const codes = operations.flatMap((operation) =>
    Object.entries(operation.responses as Record<string, any>)
      .filter(([status]) => status !== '200')
      .flatMap(([status, response]) => {
        const { code, status: declared } = response.content['application/json'].schema.allOf[1].properties.error.properties;
        expect(declared.const).toBe(Number(status));
        for (const each of code.enum) expect(ERROR_STATUS[each as keyof typeof ERROR_STATUS]).toBe(Number(status));
        return code.enum as string[];
      }),
  );
  expect([...new Set(codes)].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  expect(ERROR_MEANINGS.flatMap((meaning) => meaning.codes).sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  expect(Object.keys(document.paths['/interaction'].post.responses)).toEqual([
    '200',
    '400',
    '401',
    '403',
    '404',
    '429',
    '500',
    '502',
    '504',
  ]);
  expect(
    document.paths['/webhooks/interaction'].post.responses['400'].content['application/json'].schema.allOf[1].properties.error.properties
      .code.enum,
  ).not.toContain('missing_interaction_sid');
});

test('the protected endpoints name the Twilio signature; /interaction names no header it does not read, and its Token is body only', () => {
  const document = JSON.parse(documentText());
  expect(document.paths['/studio/interaction'].post.security).toEqual([{ twilioSignature: [] }]);
  expect(document.paths['/studio/interaction'].get.security).toEqual([{ twilioSignature: [] }]);
  expect(document.paths['/webhooks/interaction'].post.security).toEqual([{ twilioSignature: [] }]);
  const flex = document.paths['/interaction'].post;
  expect(flex.security).toEqual([]);
  expect(flex['x-flex-token']).toMatchObject({ in: 'body', name: 'Token' });
  expect(flex.parameters.map((parameter: { $ref?: string; name?: string }) => parameter.$ref ?? parameter.name)).not.toContainEqual(
    expect.stringMatching(/Token$/),
  );
  expect(document.components.schemas.FlexFormParameters.allOf).toContainEqual({ required: ['Token'] });
});

describe('npm run openapi:bundle', () => {
  const bundle = bundledOpenApi(ROOT);

  test('one file: no $ref leaves it, and every $ref is a pointer from its root', () => {
    const refs = [...JSON.stringify(bundle).matchAll(/"\$ref":"([^"]*)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(20);
    const unresolved = refs.filter((ref) => {
      if (!ref.startsWith('#/')) return true;
      let node: any = bundle;
      for (const key of ref.slice(2).split('/')) node = node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')];
      return node === undefined;
    });
    expect(unresolved).toEqual([]);
    expect(JSON.stringify(bundle)).not.toContain('"$id"');
  });

  test('is a valid OpenAPI document', async () => {
    expect(await validationOf(structuredClone(bundle) as never)).toBe('valid');
  });
});
