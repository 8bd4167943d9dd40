// npm run docs: writes the reference tables from their sources, so that no copy can drift.
//   README.md          the configuration table (between its marker comments), from SETTINGS in src/core/config.ts
//   .env.example       every setting with its default and doc, commented out, from the same list
//   docs/payload.md    the payload's field table (between its marker comments), from the JSON Schema's descriptions
//   bench/README.md    the bench's table and the sentences that quote its figures, from bench/results/recorded.json
// test/unit/generated-docs.test.ts fails when one of them is not what this script would write.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_README, benchReadme, RECORDED_RUN } from '../bench/support/readme';
import type { BenchReport } from '../bench/support/report';
import { SETTINGS } from '../src/core/config';
import { replaceGenerated } from './generated-section';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA_FILE = 'schema/enriched-interaction.schema.json';

export interface GeneratedFile {
  /** Relative to the project's root. */
  path: string;
  content: string;
}

/** What `npm run docs` would write, computed from the files as they are now under `root`. */
export function generatedFiles(root = ROOT): GeneratedFile[] {
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const schema = JSON.parse(read(SCHEMA_FILE)) as SchemaNode;
  return [
    { path: 'README.md', content: replaceGenerated(read('README.md'), 'configuration', configurationTable()) },
    { path: '.env.example', content: envExample() },
    { path: 'docs/payload.md', content: replaceGenerated(read('docs/payload.md'), 'payload fields', payloadFieldTable(schema)) },
    { path: BENCH_README, content: benchReadme(read(BENCH_README), JSON.parse(read(RECORDED_RUN)) as BenchReport) },
  ];
}

type Setting = { default: string; doc: string; envFileNote?: string };
const settings = () => Object.entries(SETTINGS as Record<string, Setting>);

export function configurationTable(): string {
  const rows = settings().map(([name, s]) => `| \`${name}\` | ${s.default === '' ? '(unset)' : `\`${s.default}\``} | ${cell(s.doc)} |`);
  return ['| variable | default | what it does |', '| --- | --- | --- |', ...rows].join('\n');
}

export function envExample(): string {
  const header = `# Settings of the functions, one KEY=value a line. Copy this file to .env and uncomment what you change:
# \`npm start\` passes .env to the functions, and \`twilio-run deploy\` uploads it as the Service's
# environment variables. Every setting is optional; the value shown is its default
# (written by \`npm run docs\` from src/core/config.ts: change the settings there, not here).
#
# Without ACCOUNT_SID and AUTH_TOKEN, \`npm start\` runs everything on the local Twilio API emulator with
# its placeholder credentials. With both set (and TWILIO_API_BASE_URL unset), it runs the functions
# against Twilio itself and starts no emulator.

# Your Twilio account (Console > Account info). On Twilio the runtime provides them when the Service has
# "Add my Twilio Credentials" ticked; \`twilio-run deploy\` never uploads these two.
# ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
# AUTH_TOKEN=your_auth_token
`;
  const blocks = settings().map(([name, s]) =>
    [...(s.envFileNote ? [`# ${s.envFileNote}`] : []), `# ${s.doc}`, `# ${name}=${s.default}`].join('\n'),
  );
  return `${header}\n${blocks.join('\n\n')}\n`;
}

/** A JSON Schema node, as far as the field table reads it. */
export interface SchemaNode {
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  oneOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  description?: string;
  examples?: unknown[];
}

export interface PayloadField {
  path: string;
  type: string;
  description: string;
  example: unknown;
  /** The values the field may hold, when the schema lists them. */
  values?: unknown[];
}

/** Every field of the payload, depth first, with its type, its description and its first example. */
export function payloadFields(schema: SchemaNode): PayloadField[] {
  const defs = schema.$defs ?? {};
  const deref = (node: SchemaNode): SchemaNode => (node.$ref ? deref(defs[node.$ref.split('/').pop()!]!) : node);
  /** The object or array a field holds when it is not null. */
  const content = (node: SchemaNode): SchemaNode => {
    const target = deref(node);
    return target.oneOf ? content(target.oneOf.find((branch) => deref(branch).type !== 'null')!) : target;
  };
  const typeOf = (node: SchemaNode): string => {
    const target = deref(node);
    if (target.oneOf) {
      const types = target.oneOf.map(typeOf);
      return [...types.filter((t) => t !== 'null'), ...(types.includes('null') ? ['null'] : [])].join(' | ');
    }
    if ('const' in target) return `\`${JSON.stringify(target.const)}\``;
    if (target.enum) {
      const values = target.enum.filter((value) => value !== null);
      const named = values.length <= 2 ? values.map((value) => `\`${String(value)}\``) : ['string'];
      return [...named, ...(target.enum.includes(null) ? ['null'] : [])].join(' | ');
    }
    if (target.type === undefined) return 'any';
    return [target.type]
      .flat()
      .map((type) => {
        if (type === 'integer') return 'number';
        if (type === 'string' && target.format === 'date-time') return 'ISO 8601';
        if (type === 'array') return deref(target.items ?? {}).type === 'string' || deref(target.items ?? {}).enum ? 'string[]' : 'array';
        return type;
      })
      .join(' | ');
  };
  const walk = (node: SchemaNode, prefix: string): PayloadField[] => {
    let holder = content(node);
    let here = prefix;
    while (holder.items) {
      holder = content(holder.items);
      here += '[]';
    }
    return Object.entries(holder.properties ?? {}).flatMap(([name, child]) => {
      const field = here ? `${here}.${name}` : name;
      if (!child.description) throw new Error(`${SCHEMA_FILE}: the field ${field} has no description.`);
      const values = deref(child).enum;
      const row = {
        path: field,
        type: typeOf(child),
        description: child.description,
        example: child.examples?.[0],
        ...(values ? { values } : {}),
      };
      return [row, ...walk(child, field)];
    });
  };
  return walk(schema, '');
}

export function payloadFieldTable(schema: SchemaNode): string {
  const rows = payloadFields(schema).map(
    (field) =>
      `| \`${field.path}\` | ${cell(field.type)} | ${cell(field.description)} |${field.example === undefined ? '' : ` ${cell(example(field.example))}`} |`,
  );
  return ['| field | type | what it is | example |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** An example as the table shows it: a string as it is, anything else as compact JSON. */
function example(value: unknown): string {
  const inline = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(inline).join(',')}]`;
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).map(([key, item]) => `${JSON.stringify(key)}: ${inline(item)}`);
      return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
    }
    return JSON.stringify(v);
  };
  return `\`${typeof value === 'string' ? value : inline(value)}\``;
}

/** A table cell: a pipe would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

if (require.main === module) {
  for (const file of generatedFiles()) {
    const target = path.join(ROOT, file.path);
    if (readFileSync(target, 'utf8') === file.content) continue;
    writeFileSync(target, file.content);
    console.log(`npm run docs: wrote ${file.path}`);
  }
}
