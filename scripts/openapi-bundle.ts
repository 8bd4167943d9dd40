// npm run openapi:bundle: schema/openapi.json as ONE file, for Postman, Swagger UI or Insomnia, which take one file
// and resolve every $ref from its root. The payload's schema moves under components.schemas (EnrichedInteraction,
// and each of its $defs as payload.NAME) and every $ref becomes a pointer into the file itself. Written to
// dist/openapi.bundle.json, out of git: schema/openapi.json is the published source.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OPENAPI_FILE } from './openapi';

const ROOT = path.resolve(__dirname, '..');
export const BUNDLE_FILE = 'dist/openapi.bundle.json';
const PAYLOAD_FILE = './enriched-interaction.schema.json';

type Json = Record<string, unknown>;

/** The document under `root` with the payload's schema inlined, every $ref local to the one file. */
export function bundledOpenApi(root = ROOT): Json {
  const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Json;
  const document = read(OPENAPI_FILE);
  // Without its $id and $schema: inside the bundle, the payload's refs are pointers from the file's root.
  const payload = read(path.join(path.dirname(OPENAPI_FILE), PAYLOAD_FILE));
  const $defs = payload.$defs as Json;
  for (const key of ['$id', '$schema', '$defs']) delete payload[key];
  const local = (ref: string): string => {
    const [file, pointer = ''] = ref.split('#');
    if (file !== '' && file !== PAYLOAD_FILE) throw new Error(`${OPENAPI_FILE}: a $ref this bundle cannot inline: ${ref}`);
    const definition = /^\/\$defs\/([^/]+)$/.exec(pointer);
    if (definition) return `#/components/schemas/payload.${definition[1]}`;
    if (pointer === '') return '#/components/schemas/EnrichedInteraction';
    if (file === '') return ref;
    throw new Error(`${OPENAPI_FILE}: a $ref into the payload's schema other than a $def: ${ref}`);
  };
  const components = document.components as { schemas: Json };
  components.schemas = {
    ...components.schemas,
    EnrichedInteraction: payload,
    ...Object.fromEntries(Object.entries($defs).map(([name, schema]) => [`payload.${name}`, schema])),
  };
  return rewriteRefs(document, (ref, inPayload) => (inPayload ? local(`${PAYLOAD_FILE}${ref}`) : local(ref))) as Json;
}

/**
 * Every $ref rewritten; `inPayload` says whether it was written in the payload's schema (where `#/$defs/X` means the
 * payload's own), which is where the bundle put it: under components.schemas' EnrichedInteraction and payload.*.
 */
function rewriteRefs(value: unknown, rewrite: (ref: string, inPayload: boolean) => string, inPayload = false): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, rewrite, inPayload));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (key === '$ref' && typeof item === 'string') return [key, rewrite(item, inPayload && item.startsWith('#'))];
      const entering = inPayload || key === 'EnrichedInteraction' || key.startsWith('payload.');
      return [key, rewriteRefs(item, rewrite, entering)];
    }),
  );
}

if (require.main === module) {
  const target = path.join(ROOT, BUNDLE_FILE);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(bundledOpenApi(), null, 2)}\n`);
  console.log(`npm run openapi:bundle: wrote ${BUNDLE_FILE}: import it into Postman, Swagger UI or Insomnia.`);
}
