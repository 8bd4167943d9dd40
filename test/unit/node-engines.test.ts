import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

/**
 * package.json's `engines.node` is a promise to a user with nothing but Node.js:
 * every package `npm ci` installs must accept the oldest Node.js that range allows.
 */
const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};

function refusing(oldestNode: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.optional && typeof entry.engines === 'object' && !Array.isArray(entry.engines))
    .filter(([, entry]) => {
      const range = (entry.engines as { node?: string }).node;
      return range !== undefined && semver.validRange(range) !== null && !semver.satisfies(oldestNode, range);
    })
    .map(
      ([path, entry]) => `${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${(entry.engines as { node: string }).node}`,
    );
}

describe('the Node.js versions package.json promises', () => {
  const oldest = semver.minVersion(manifest.engines.node)!.version;

  it(`every installed package accepts the oldest of them (${oldest})`, () => {
    expect(refusing(oldest)).toEqual([]);
  });

  it('the check sees a package that wants a newer Node.js', () => {
    expect(refusing('18.0.0').length).toBeGreaterThan(0);
  });
});

describe("npm start's own Node.js check", () => {
  it('refuses what package.json refuses: its OLDEST_NODE is the oldest version engines.node allows', () => {
    const start = readFileSync(join(root, 'scripts', 'start.ts'), 'utf8');
    const oldestNode = /export const OLDEST_NODE = '(\d+\.\d+)';/.exec(start)?.[1];
    expect(`${oldestNode}.0`).toBe(semver.minVersion(manifest.engines.node)!.version);
  });
});
