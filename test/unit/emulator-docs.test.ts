import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSeedFile, seededInteractions, storeFromSeed } from '../../emulator/seed';
import { DEFAULT_FLEX_TOKEN_TTL_SECONDS, MAX_FLEX_TOKEN_TTL_SECONDS } from '../../emulator/store';

/** What the docs state about the emulator (its seed, the Flex tokens it mints) is what the code has. */

const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'emulator/README.md'), 'utf8');
const NPM_START = readFileSync(path.join(ROOT, 'docs/npm-start.md'), 'utf8');

/** The rows of the Markdown table whose header row starts with `firstHeading`, as lists of cells. */
function tableRows(markdown: string, firstHeading: string): string[][] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) => line.startsWith(`| ${firstHeading} |`));
  if (header === -1) throw new Error(`no table headed ${firstHeading}`);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

test("the seed's transfers are the ones its table names: SID, type, status and the interaction each is on", () => {
  const seeded = seededInteractions(readSeedFile()).flatMap((interaction) =>
    interaction.transfers.map((transfer) => `${transfer.sid} ${transfer.type}, ${transfer.status} ${interaction.sid}`),
  );
  const documented = tableRows(README, '`TransferSid`').map(
    ([sid, typeAndStatus, interaction]) => `${/`(UX\w+)`/.exec(sid!)?.[1]} ${typeAndStatus} ${/`(KD\w+)`/.exec(interaction!)?.[1]}`,
  );
  expect(seeded.length).toBeGreaterThanOrEqual(2);
  expect(documented.sort()).toEqual(seeded.sort());
});

describe('how long a minted Flex token lasts', () => {
  test('minting without ttl_seconds gives DEFAULT_FLEX_TOKEN_TTL_SECONDS', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    const store = storeFromSeed(readSeedFile(), () => now);
    expect(store.mintFlexToken({ identity: 'someone' }).expiresAt - now).toBe(DEFAULT_FLEX_TOKEN_TTL_SECONDS * 1000);
  });

  test('emulator/README.md states the default and the bounds of ttl_seconds', () => {
    const stated = /`ttl_seconds` \(default `(\d+)`, [^;]*; at most `(\d+)`, [^;]*; negative, down to `-(\d+)`/.exec(README);
    expect(stated?.slice(1).map(Number)).toEqual([DEFAULT_FLEX_TOKEN_TTL_SECONDS, MAX_FLEX_TOKEN_TTL_SECONDS, MAX_FLEX_TOKEN_TTL_SECONDS]);
  });

  test("docs/npm-start.md states the banner's token lasts the longest, and the console's the default", () => {
    const hours = (seconds: number) => seconds / 3600;
    expect(NPM_START).toContain(`minted for ${hours(MAX_FLEX_TOKEN_TTL_SECONDS)} h, the longest the emulator mints`);
    expect(NPM_START).toContain(`minted by the emulator for ${hours(MAX_FLEX_TOKEN_TTL_SECONDS)} h:`);
    expect(NPM_START).toContain(`lasts the emulator's default, ${hours(DEFAULT_FLEX_TOKEN_TTL_SECONDS)} h`);
  });
});
