import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every relative link in the tracked Markdown files leads somewhere: the file exists, and so does the #anchor. */

const ROOT = path.resolve(__dirname, '../..');

const markdownFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && existsSync(path.join(ROOT, file)));

/** The text outside fenced code blocks and inline code spans, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[^`][\s\S]*?\1/g, '');
}

/** The anchors GitHub gives a file's headings: text lowercased, punctuation dropped, each space a hyphen, repeats numbered. */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Relative links of a Markdown file: inline links and images, and reference definitions. */
function relativeLinks(markdown: string): string[] {
  const text = prose(markdown);
  const targets = [
    ...[...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!),
    ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((match) => match[1]!),
  ];
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

function brokenLinks(file: string): string[] {
  const markdown = readFileSync(path.join(ROOT, file), 'utf8');
  return relativeLinks(markdown).flatMap((target) => {
    const [filePart, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = filePart === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURI(filePart));
    if (!resolved.startsWith(ROOT) || !existsSync(resolved)) return [`${file}: ${target} (no such file)`];
    if (anchor === undefined || !resolved.endsWith('.md')) return [];
    return headingSlugs(readFileSync(resolved, 'utf8')).has(anchor) ? [] : [`${file}: ${target} (no such heading)`];
  });
}

test('the slugs are GitHub’s (a check of this test itself)', () => {
  const slugs = headingSlugs(
    '# `npm start`: everything locally\n## Every field\n## Every field\n### `POST /interaction` (public): Flex plugins\n',
  );
  expect([...slugs]).toEqual(['npm-start-everything-locally', 'every-field', 'every-field-1', 'post-interaction-public-flex-plugins']);
});

test('the Markdown files are found (a check of this test itself)', () => {
  expect(markdownFiles).toEqual(expect.arrayContaining(['README.md', 'docs/payload.md', 'examples/taskrouter-event-callback.md']));
});

test.each(markdownFiles)('every relative link in %s resolves', (file) => {
  expect(brokenLinks(file)).toEqual([]);
});
