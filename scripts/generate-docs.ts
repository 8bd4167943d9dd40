// npm run docs: writes the reference tables from their sources, so that no copy can drift.
//   README.md          the configuration table (between its marker comments), from SETTINGS in src/core/config.ts,
//                      the parameters' table, from src/core/request-parameters.ts, and the errors' table, from
//                      ERROR_MEANINGS in src/core/errors.ts
//   schema/openapi.json the OpenAPI document of the three endpoints, from the same sources (scripts/openapi.ts)
//   .env.example       every setting with its default and doc, commented out, from the same list
//   docs/payload.md    the example answer, from the function's own answer for a seeded interaction
//                      (scripts/payload-example.ts), and the payload's field table, from the JSON Schema's
//                      descriptions (each between its marker comments)
//   docs/deploying.md  the rehearsal's sample output and the runtime dependencies (between its marker comments),
//                      from package.json, .twilioserverlessrc and src/functions
//   bench/README.md    the bench's table and the sentences that quote its figures, from bench/results/recorded.json,
//                      and the scale bench's rows, sustained rates and targets, from bench/results/scale-recorded.json
//   docs/scale.md      the capacity, calls and targets of the recorded scale run, from the same file
// test/unit/generated-docs.test.ts fails when one of them is not what this script would write.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_README, benchReadme, RECORDED_RUN } from '../bench/support/readme';
import type { BenchReport } from '../bench/support/report';
import { SCALE_RECORDED_RUN, scaleSections, type ScaleRun } from '../bench/scale/readme';
import { installRuntimeTwilioGlobal } from '../harness';
import { SETTINGS } from '../src/core/config';
import { ERROR_MEANINGS, ERROR_STATUS } from '../src/core/errors';
import { ENDPOINT_PATHS, ENDPOINTS, REQUEST_PARAMETERS, type ParameterName, type RequestParameter } from '../src/core/request-parameters';
import { describeDeployed } from './deployed-services';
import { replaceGenerated } from './generated-section';
import { OPENAPI_FILE, openApiDocument, parameterDescription } from './openapi';
import { payloadExample } from './payload-example';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA_FILE = 'schema/enriched-interaction.schema.json';

export interface GeneratedFile {
  /** Relative to the project's root. */
  path: string;
  content: string;
}

/** The files `npm run docs` writes. */
export const GENERATED_PATHS = [
  'README.md',
  '.env.example',
  'docs/payload.md',
  'docs/deploying.md',
  BENCH_README,
  'docs/scale.md',
  OPENAPI_FILE,
] as const;

/**
 * What `npm run docs` would write, computed from the files as they are now under `root` and, for the example answer,
 * from the code as it is now (a function called in this process: the caller installs the global Twilio.Response).
 */
export async function generatedFiles(root = ROOT): Promise<GeneratedFile[]> {
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const schema = JSON.parse(read(SCHEMA_FILE)) as SchemaNode;
  const scaleRun = JSON.parse(read(SCALE_RECORDED_RUN)) as ScaleRun;
  const example = `\`\`\`json\n${readableJson(await payloadExample())}\n\`\`\``;
  const payloadDoc = replaceGenerated(read('docs/payload.md'), 'payload example', example);
  const files: Record<(typeof GENERATED_PATHS)[number], string> = {
    'README.md': [
      ['configuration', configurationTable()],
      ['parameters', parameterTable()],
      ['errors', errorTable()],
    ].reduce((text, [name, table]) => replaceGenerated(text, name!, table!), read('README.md')),
    '.env.example': envExample(),
    'docs/payload.md': replaceGenerated(payloadDoc, 'payload fields', payloadFieldTable(schema)),
    'docs/deploying.md': replaceGenerated(read('docs/deploying.md'), 'rehearsal sample', rehearsalSample(root)),
    [BENCH_README]: scaleSections(benchReadme(read(BENCH_README), JSON.parse(read(RECORDED_RUN)) as BenchReport), scaleRun),
    'docs/scale.md': scaleSections(read('docs/scale.md'), scaleRun),
    [OPENAPI_FILE]: `${JSON.stringify(openApiDocument(root), null, 2)}\n`,
  };
  return GENERATED_PATHS.map((file) => ({ path: file, content: files[file] }));
}

/**
 * What `npm run deploy:rehearse` prints for this project (its name, runtime, functions and dependencies; sample
 * SIDs), and the dependencies Twilio installs: package.json's, every one of them.
 */
export function rehearsalSample(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
  const rc = JSON.parse(readFileSync(path.join(root, '.twilioserverlessrc'), 'utf8')) as { runtime: string };
  const dependencies = Object.entries(pkg.dependencies).map(([name, version]) => ({ name, version }));
  const sample = describeDeployed([
    {
      sid: 'ZS786e8de251b358797ad96b1782d76001',
      unique_name: pkg.name,
      environments: [
        {
          unique_name: 'dev-environment',
          domain_name: `${pkg.name}-7577-dev.twil.io`,
          build: { sid: 'ZBfd0d2d00b32010d77598496e1e0fd36c', runtime: rc.runtime, dependencies, functions: functionsIn(root) },
          variables: {},
        },
      ],
      builds: [],
    },
  ]);
  const names = dependencies.map((d) => `\`${d.name}\``);
  return [
    `\`\`\`text\n${sample}\n\`\`\``,
    `On deploy, twilio-run sends package.json's \`dependencies\` for Twilio to install, and only those: ` +
      `${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`,
  ].join('\n\n');
}

/** The functions twilio-run deploys from src/functions, as it names them: the path, and the visibility a suffix sets. */
function functionsIn(root: string): Array<{ path: string; visibility: string }> {
  const dir = path.join(root, 'src/functions');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const name = path.relative(dir, path.join(entry.parentPath, entry.name)).replace(/\.ts$/, '');
      const visibility = /\.(protected|private)$/.exec(name)?.[1] ?? 'public';
      return { path: `/${name.replace(/\.(protected|private)$/, '')}`, visibility };
    });
}

type Setting = { default: string; doc: string; envFileNote?: string };
const settings = () => Object.entries(SETTINGS as Record<string, Setting>);

export function configurationTable(): string {
  const rows = settings().map(([name, s]) => `| \`${name}\` | ${s.default === '' ? '(unset)' : `\`${s.default}\``} | ${cell(s.doc)} |`);
  return ['| variable | default | what it does |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The README's Parameters table: each parameter, the endpoints that read it, what it is; one endpoint's own in one row. */
export function parameterTable(): string {
  const rows: Array<{ names: string[]; where: string; meanings: string[] }> = [];
  for (const [name, parameter] of Object.entries(REQUEST_PARAMETERS) as Array<[ParameterName, RequestParameter]>) {
    const where =
      (parameter.endpoints.length === ENDPOINTS.length
        ? 'all'
        : parameter.endpoints.map((endpoint) => `\`${ENDPOINT_PATHS[endpoint]}\``).join(', ')) +
      ('bodyOnly' in parameter ? ', body only' : '');
    const last = rows.at(-1);
    const labelled = (label: string, meaning: string) => `\`${label}\`: ${meaning[0]!.toLowerCase()}${meaning.slice(1)}`;
    if (where !== 'all' && last?.where === where) {
      if (last.names.length === 1) last.meanings[0] = labelled(last.names[0]!, last.meanings[0]!);
      last.names.push(name);
      last.meanings.push(labelled(name, parameterDescription(name)));
    } else rows.push({ names: [name], where, meanings: [parameterDescription(name)] });
  }
  return [
    '| parameter | where | meaning |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.names.map((name) => `\`${name}\``).join(', ')} | ${row.where} | ${cell(row.meanings.join(' '))} |`),
  ].join('\n');
}

/** The README's Errors table: each code's status and when it is answered. */
export function errorTable(): string {
  const rows = ERROR_MEANINGS.map(
    (meaning) =>
      `| ${ERROR_STATUS[meaning.codes[0]!]} | ${meaning.codes.map((code) => `\`${code}\``).join(', ')} | ${cell(meaning.when)} |`,
  );
  return ['| status | `code` | when |', '| --- | --- | --- |', ...rows].join('\n');
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
  return `\`${typeof value === 'string' ? value : inlineJson(value)}\``;
}

/** JSON on one line, with a space inside an object's braces and after its commas. */
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inlineJson(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

const EXAMPLE_WIDTH = 120;

/** JSON as the docs show it: an object or array on one line when that line fits in EXAMPLE_WIDTH, else an entry a line. */
function readableJson(value: unknown, lead = 0, indent = ''): string {
  const inline = inlineJson(value);
  // `lead` is what stands before the value on its line; a comma may follow it.
  if (value === null || typeof value !== 'object' || lead + inline.length + 1 <= EXAMPLE_WIDTH) return inline;
  const inner = `${indent}  `;
  const lines = Array.isArray(value)
    ? value.map((item) => `${inner}${readableJson(item, inner.length, inner)}`)
    : Object.entries(value).map(([key, item]) => {
        const head = `${inner}${JSON.stringify(key)}: `;
        return `${head}${readableJson(item, head.length, inner)}`;
      });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}

/** A table cell: a pipe would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

async function main(): Promise<void> {
  installRuntimeTwilioGlobal();
  for (const file of await generatedFiles()) {
    const target = path.join(ROOT, file.path);
    if (existsSync(target) && readFileSync(target, 'utf8') === file.content) continue;
    writeFileSync(target, file.content);
    console.log(`npm run docs: wrote ${file.path}`);
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(`npm run docs: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
