import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSeedFile, seededInteractions } from '../../emulator/seed';

/** What emulator/README.md states about the seed and the emulator's defaults is what the code has. */

const README = readFileSync(path.resolve(__dirname, '../../emulator/README.md'), 'utf8');

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
