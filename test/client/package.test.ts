import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The client as a plugin gets it: `npm pack` in clients/flex (which builds it), the tarball installed into a fresh
 * TypeScript project without the network, a file that uses it type-checked with the project's TypeScript (as Node
 * resolves packages, and as a bundler does), then run.
 */

const root = path.resolve(__dirname, '../..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
let work: string;

function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${String(result.stdout)}\n${String(result.stderr)}`);
  return String(result.stdout);
}

const consumer = `
import { createEnrichmentClient, EnrichmentError, type EnrichedInteraction, type TaskEnrichment } from '@flex-interaction-enrichment/flex-client';

const answer = {
  interaction: { sid: 'KD0b991f2d3727d40d5cc59aeb35491eb4', url: null, links: null, channel: null, routing: null, interactionContextSid: null, webhookTtid: null },
  channel: { sid: null, type: 'sms' },
  task: null,
  reservation: null,
  customer: { name: 'Priya Raman', address: null, from: null, phone: null, email: null },
  conversation: { sid: null, direction: 'inbound', initiatedBy: null },
  meta: { schemaVersion: 2, requestId: 'r', fetchedAt: new Date().toISOString(), durationMs: 1, upstreamCalls: 1, include: [], cache: 'miss', source: 'twilio', ageMs: 0, stale: false, partial: false, warnings: [] },
} satisfies EnrichedInteraction;

const client = createEnrichmentClient({
  baseUrl: 'https://enrich-1234.twil.io',
  getToken: async () => 'token',
  retry: { maxAttempts: 2 },
  fetch: async () => new Response(JSON.stringify(answer), { status: 200 }),
});

const interaction = await client.getInteraction(answer.interaction.sid, { include: ['participants'] });
const channelType: string | null = interaction.channel.type;
const summary: TaskEnrichment = await client.getTaskSummary({ attributes: { flexInteractionSid: answer.interaction.sid } });
console.log(channelType, summary.source, summary.summary.customer.name);

/** Never called: what the types refuse. */
export function misuses(): void {
  // @ts-expect-error: include names only the parts the schema lists
  void client.getInteraction('KD', { include: ['tasks'] });
  // @ts-expect-error: the payload has no such field
  void interaction.channel.media;
}

export function retryIn(error: unknown): number | undefined {
  if (!(error instanceof EnrichmentError)) return undefined;
  // @ts-expect-error: codes are the Service's and the client's, no other
  if (error.code === 'no_such_code') return 0;
  return error.code === 'rate_limited' ? error.retryAfterSeconds : undefined;
}
`;

const compilerOptions = { target: 'ES2022', lib: ['ES2022', 'DOM'], strict: true, types: [], outDir: 'out', skipLibCheck: false };

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'flex-client-package-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

test('npm pack gives a tarball that installs offline into a TypeScript project, type-checks there and runs', () => {
  run('npm', ['pack', '--pack-destination', work], { cwd: path.join(root, 'clients/flex') });
  const [tarball] = readdirSync(work).filter((name) => name.endsWith('.tgz'));
  const listed = run('tar', ['-tzf', path.join(work, tarball!)], {})
    .split('\n')
    .filter(Boolean)
    .sort();
  expect(listed).toEqual(
    expect.arrayContaining(['package/README.md', 'package/dist/index.d.ts', 'package/dist/index.js', 'package/package.json']),
  );
  expect(listed.filter((file) => file.startsWith('package/src/') || file.startsWith('package/scripts/'))).toEqual([]);

  const project = path.join(work, 'plugin');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'plugin', private: true, type: 'module' }));
  run('npm', ['install', path.join(work, tarball!), '--offline', '--no-audit', '--no-fund', '--cache', path.join(work, 'npm-cache')], {
    cwd: project,
  });
  writeFileSync(path.join(project, 'index.ts'), consumer);
  const resolutions = {
    node: { module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { module: 'esnext', moduleResolution: 'bundler', noEmit: true },
  };
  for (const [name, resolution] of Object.entries(resolutions)) {
    writeFileSync(
      path.join(project, `tsconfig.${name}.json`),
      JSON.stringify({ compilerOptions: { ...compilerOptions, ...resolution }, files: ['index.ts'] }),
    );
    run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: project });
  }
  expect(run(process.execPath, ['out/index.js'], { cwd: project })).toBe('sms endpoint Priya Raman\n');
}, 120_000);
