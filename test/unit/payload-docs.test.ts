import { readFileSync } from 'node:fs';
import path from 'node:path';
import schema from '../../schema/enriched-interaction.schema.json';

/** docs/payload.md's "Every field" table and the published schema describe the same fields, no more, no less. */

type Node = Record<string, any>;
const defs = (schema as Node).$defs as Record<string, Node>;

/** Follows $ref and the non-null branch of a nullable oneOf. */
function resolve(node: Node | undefined): Node | undefined {
  if (!node) return undefined;
  if (node.$ref) return resolve(defs[String(node.$ref).split('/').pop()!]);
  if (node.oneOf) return resolve(node.oneOf.find((branch: Node) => branch.type !== 'null'));
  return node;
}

function fieldPaths(node: Node | undefined, prefix = ''): string[] {
  const resolved = resolve(node);
  if (!resolved) return [];
  if (resolved.items) return fieldPaths(resolved.items, `${prefix}[]`);
  return Object.entries((resolved.properties ?? {}) as Record<string, Node>).flatMap(([name, child]) => {
    const here = prefix ? `${prefix}.${name}` : name;
    return [here, ...fieldPaths(child, here)];
  });
}

function documentedFields(): string[] {
  const page = readFileSync(path.join(__dirname, '../../docs/payload.md'), 'utf8');
  const section = page.split('## Every field')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
}

test('the schema walk finds the fields it should (a check of this test itself)', () => {
  const paths = fieldPaths(schema as Node);
  expect(paths).toEqual(
    expect.arrayContaining(['customer.name', 'channels[].participants[].type', 'meta.warnings[].code', 'task.attributesRaw']),
  );
  expect(paths).not.toContain('meta.warnings[].code.type');
});

test('every field of the payload schema has a row in docs/payload.md, and every row is a field', () => {
  const paths = fieldPaths(schema as Node);
  const documented = documentedFields();
  expect(paths.filter((field) => !documented.includes(field))).toEqual([]);
  expect(documented.filter((field) => !paths.includes(field))).toEqual([]);
});
