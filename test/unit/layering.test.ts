import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * How src/ is layered: no import cycle, function files only adapt a caller,
 * the core never imports its callers, and the warm container sits below
 * everything that uses it.
 */

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('assets'))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)));
}

/** The project files a file imports (type-only imports included: they tie modules together all the same). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gms)].map((match) =>
    path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), match[1]!) + '.ts'),
  );
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

test('every relative import names a file that exists', () => {
  for (const [file, imports] of graph)
    for (const target of imports) expect({ file, target, exists: graph.has(target) }).toMatchObject({ exists: true });
});

test('no import cycle', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
      return;
    }
    state.set(file, 'visiting');
    for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  expect(cycles).toEqual([]);
});

/** Everything `file` imports, directly or not. */
function reachableFrom(file: string): Set<string> {
  const seen = new Set<string>();
  const walk = (current: string) => {
    for (const target of graph.get(current) ?? [])
      if (!seen.has(target)) {
        seen.add(target);
        walk(target);
      }
  };
  walk(file);
  return seen;
}

test('the warm container reaches none of the modules that use it', () => {
  const below = reachableFrom('core/warm-container.ts');
  const users = ['core/enrichment-service.ts', 'core/flex-auth.ts', 'core/handlers.ts', 'core/work.ts'];
  expect([...below].filter((file) => users.includes(file) || file.startsWith('core/callers/'))).toEqual([]);
});

test('the core never imports the function files; only the callers touch the runtime', () => {
  for (const [file, imports] of graph) {
    if (!file.startsWith('core/')) continue;
    expect({ file, functions: imports.filter((target) => target.startsWith('functions/')) }).toEqual({ file, functions: [] });
    if (!file.startsWith('core/callers/'))
      expect({ file, callers: imports.filter((target) => target.startsWith('core/callers/')) }).toEqual({ file, callers: [] });
  }
});
