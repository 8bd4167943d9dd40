// npm run build [-- --quiet] [-- --no-typecheck]: bundles every src/functions/**/*.ts into
// dist/functions/**/*.js with esbuild, copies src/assets to dist/assets (bundling its TypeScript for the
// browser), then type-checks the whole project with tsc (esbuild does not). buildProject() builds the
// same into another folder (npm run deploy:rehearse uses its own, and leaves dist/ to npm start).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

export interface BuildOptions {
  /** The folder the build replaces: functions/ and assets/ inside it. */
  outDir: string;
  /** Only warnings and errors are printed. */
  quiet: boolean;
  /** tsc checks the whole project after the bundles are written. */
  typecheck: boolean;
}

function filesUnder(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && test(entry.name))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** The runtime dependencies: Twilio installs them on deploy from package.json. */
function runtimeDependencies(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return Object.keys(manifest.dependencies);
}

/** Builds the functions and the assets into `outDir`; rejects when esbuild or the type check fails. */
export async function buildProject({ outDir, quiet, typecheck }: BuildOptions): Promise<void> {
  const say = (line: string) => quiet || console.log(line);
  const started = Date.now();
  rmSync(outDir, { recursive: true, force: true });

  const entryPoints = filesUnder(path.join(root, 'src/functions'), (name) => name.endsWith('.ts'));
  const result = await build({
    entryPoints,
    outdir: path.join(outDir, 'functions'),
    outbase: path.join(root, 'src/functions'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Bundled, a UMD package such as jsonc-parser would fail at run time on requires esbuild cannot follow.
    external: runtimeDependencies(),
    // Minified to keep cold starts short. Stack traces never reach a response or a log line (errors
    // are logged by name, code and message), so the deployed code need not be readable; names are
    // kept for error names. The .map files beside each bundle map traces back to the TypeScript
    // in local runs (npm start sets --enable-source-maps); twilio-run deploys only the .js files.
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) say(`  ${path.relative(root, file).padEnd(48)} ${(output.bytes / 1024).toFixed(1)} KB`);
  }

  const assets = path.join(root, 'src/assets');
  if (existsSync(assets)) {
    cpSync(assets, path.join(outDir, 'assets'), { recursive: true, filter: (source) => !source.endsWith('.ts') });
    // TypeScript among the assets (the local console's script) is bundled for the browser.
    await build({
      entryPoints: filesUnder(assets, (name) => name.endsWith('.ts')),
      outdir: path.join(outDir, 'assets'),
      outbase: assets,
      bundle: true,
      platform: 'browser',
      target: 'es2020',
      format: 'iife',
      sourcemap: 'inline',
      logLevel: 'warning',
    });
  }
  say(`bundled ${entryPoints.length} functions in ${Date.now() - started} ms`);

  if (typecheck) {
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root, '--noEmit'], {
      stdio: 'inherit',
    });
    if (tsc.status !== 0) throw new Error('type check failed');
    say('type check passed');
  }
}

if (require.main === module) {
  buildProject({
    outDir: path.join(root, 'dist'),
    quiet: process.argv.includes('--quiet'),
    typecheck: !process.argv.includes('--no-typecheck'),
  }).catch((error: unknown) => {
    // esbuild has printed what failed; its error only says how many; tsc has printed its errors.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
