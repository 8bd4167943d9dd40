import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * How src/ is layered: no import cycle, function files only adapt a caller,
 * the core never imports its callers, and the warm container sits below
 * everything that uses it. Beside src/, the harness serves tests, the bench
 * and scripts, and none of them reaches into test/.
 */

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('assets'))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)));
}

/**
 * The relative modules a file names: import and export statements (type-only ones included: they tie modules
 * together all the same), import() and require().
 */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const statements = [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gms)];
  const calls = [...text.matchAll(/\b(?:import|require)\(\s*'(\.[^']+)'\s*\)/g)];
  return [...statements, ...calls].map((match) => match[1]!);
}

/** The project files a file of src/ imports. */
function importsOf(file: string): string[] {
  const absolute = path.join(SRC, file);
  return relativeImports(absolute).map((target) => path.relative(SRC, path.resolve(path.dirname(absolute), target) + '.ts'));
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

describe('the harness, the bench and the scripts', () => {
  /** Every file of `folder` that Node or tsx runs (TypeScript and JavaScript), as paths from the root. */
  const codeIn = (folder: string) =>
    readdirSync(path.join(ROOT, folder), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && /\.(?:ts|mts|cts|js|mjs|cjs)$/.test(entry.name))
      .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
      .filter((file) => !file.startsWith('bench/results/'));
  /** The folders a file imports from, by their first segment from the root: src, emulator, harness, test... */
  const foldersImportedBy = (file: string) =>
    relativeImports(path.join(ROOT, file)).map(
      (target) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), target)).split(path.sep)[0],
    );

  /** What each folder may not import from: nothing reaches into test/, and the harness sits below all that uses it. */
  const forbidden: Record<string, string[]> = { bench: ['test'], scripts: ['test'], harness: ['test', 'bench', 'scripts'] };
  for (const [folder, above] of Object.entries(forbidden))
    test(`${folder}/ imports nothing from ${above.map((name) => `${name}/`).join(', ')}`, () => {
      const files = codeIn(folder);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const reached = foldersImportedBy(file).filter((top) => above.includes(top!));
        expect({ file, reached }).toEqual({ file, reached: [] });
      }
    });
});
