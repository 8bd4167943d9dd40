// npm run build: dist/index.js, one ES module bundled by esbuild (the project's), and its declarations by tsc.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const packageDir = path.resolve(import.meta.dirname, '..');
const dist = path.join(packageDir, 'dist');
rmSync(dist, { recursive: true, force: true });

await build({
  entryPoints: [path.join(packageDir, 'src/index.ts')],
  outfile: path.join(dist, 'index.js'),
  bundle: true,
  format: 'esm',
  // A Flex plugin's bundler takes it from here: readable, with a source map, for browsers Flex supports.
  platform: 'neutral',
  target: 'es2020',
  sourcemap: true,
  logLevel: 'warning',
});

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const declarations = spawnSync(process.execPath, [tsc, '-p', path.join(packageDir, 'tsconfig.build.json')], { stdio: 'inherit' });
if (declarations.status !== 0) {
  console.error('the declarations failed to build');
  process.exit(1);
}
console.log(`built ${path.relative(process.cwd(), dist)}`);
