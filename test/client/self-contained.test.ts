import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The client is a house of its own: no dependency, and no import from outside its src/ (the functions' code least of all). */

const CLIENT = path.resolve(__dirname, '../../clients/flex');
const SRC = path.join(CLIENT, 'src');

const sources = readdirSync(SRC, { withFileTypes: true, recursive: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => path.join(entry.parentPath, entry.name));

test.each(sources.map((file) => [path.relative(CLIENT, file), file]))('%s imports only the client’s own modules', (_name, file) => {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gms),
    ...text.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g),
  ].map((match) => match[1]!);
  for (const specifier of specifiers) {
    expect(specifier).toMatch(/^\.\.?\/.*\.js$/);
    expect(path.resolve(path.dirname(file), specifier).startsWith(SRC + path.sep)).toBe(true);
  }
});

test('the package has no dependencies of any kind', () => {
  const manifest = JSON.parse(readFileSync(path.join(CLIENT, 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies', 'bundleDependencies'])
    expect(manifest[field]).toBeUndefined();
});
