import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_README, benchReadme, RECORDED_RUN } from '../../bench/support/readme';
import type { BenchReport } from '../../bench/support/report';
import { SCALE_RECORDED_RUN, type ScaleRun } from '../../bench/scale/readme';

/**
 * The recorded bench runs (npm run bench, npm run bench:scale) are this branch's: their commits are in the history. (That bench/README.md quotes
 * recorded.json as it is, test/unit/generated-docs.test.ts checks.)
 */

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const recorded = JSON.parse(read(RECORDED_RUN)) as BenchReport;
const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });

/** Why this checkout cannot say whether `commit` is in its history, or null when it can. */
function whyHistoryCannotTell(commit: string): string | null {
  const shallow = git('rev-parse', '--is-shallow-repository');
  if (shallow.error || shallow.status !== 0)
    return `git cannot read this checkout's history (${shallow.error?.message ?? shallow.stderr.trim()})`;
  if (shallow.stdout.trim() === 'true' && git('cat-file', '-e', `${commit}^{commit}`).status !== 0)
    return `this is a shallow clone that lacks commit ${commit}: git fetch --unshallow, then run this test again`;
  return null;
}

for (const [file, machine] of [
  [RECORDED_RUN, recorded.machine],
  [SCALE_RECORDED_RUN, (JSON.parse(read(SCALE_RECORDED_RUN)) as ScaleRun).machine],
] as const) {
  const commit = machine.commit;
  const cannotTell = commit === null ? null : whyHistoryCannotTell(commit);
  if (cannotTell !== null) {
    // Said, not passed in silence: jest lists the skip with its reason, and the run's output carries it.
    console.warn(`${file}: its commit is not checked: ${cannotTell}`);
    test.skip(`${file} measured a commit of this branch's history (not checked: ${cannotTell})`, () => {});
  } else {
    test(`${file} measured a commit of this branch's history`, () => {
      if (commit === null) throw new Error(`${file} names no commit: record a run from a git checkout (--record).`);
      const ancestor = git('merge-base', '--is-ancestor', commit, 'HEAD');
      if (ancestor.status !== 0)
        throw new Error(
          `${file} measured commit ${commit}, which is not in this branch's history ` +
            `(${ancestor.status === 1 ? 'not an ancestor of HEAD' : ancestor.stderr.trim()}): record a run of this code with --record.`,
        );
    });
  }
}

describe("the README's sentence on the recorded run says what code it measured", () => {
  const runParagraph = (machine: Partial<BenchReport['machine']>) => {
    const readme = benchReadme(read(BENCH_README), { ...recorded, machine: { ...recorded.machine, ...machine } });
    return /<!-- generated: recorded run .*-->\n\n(.*)\n/.exec(readme)![1]!;
  };

  test('a run from uncommitted code says so, and names the files', () => {
    const paragraph = runParagraph({ commit: 'a'.repeat(40), uncommittedChanges: ['src/core/enrich.ts', 'bench/run.ts'] });
    expect(paragraph).toContain(
      "It measured commit `aaaaaaa` **with uncommitted changes** (`src/core/enrich.ts`, `bench/run.ts`): not that commit's code.",
    );
  });

  test('a run from a clean working tree says that too', () => {
    expect(runParagraph({ commit: 'b'.repeat(40), uncommittedChanges: [] })).toContain(
      'It measured commit `bbbbbbb`, with no uncommitted changes.',
    );
  });

  test('a run outside git says it has no commit', () => {
    expect(runParagraph({ commit: null, uncommittedChanges: null })).toContain(
      'It measured code outside a git checkout (no commit recorded).',
    );
  });
});
