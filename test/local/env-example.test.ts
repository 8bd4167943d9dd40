import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parseConfig, SETTINGS } from '../../src/core/config';

/** .env.example is the annotated list of settings a newcomer copies: it must be config.ts's list, exactly. */

const lines = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8').split('\n');

/** Every `# NAME=value` line, with the comment line just above it. */
const documented = lines.flatMap((line, index) => {
  const match = /^# ([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
  return match ? [{ name: match[1]!, value: match[2]!, doc: lines[index - 1]!.replace(/^# /, '') }] : [];
});

test('lists the credentials, then every setting of src/core/config.ts with its default and description, and no other', () => {
  expect(documented.slice(0, 2).map(({ name }) => name)).toEqual(['ACCOUNT_SID', 'AUTH_TOKEN']);
  expect(documented.slice(2)).toEqual(
    Object.entries(SETTINGS).map(([name, setting]) => ({ name, value: setting.default, doc: setting.doc })),
  );
});

test('copied to .env and uncommented as is, it is a valid configuration', () => {
  const uncommented = lines.map((line) => line.replace(/^# (?=[A-Z][A-Z0-9_]*=)/, '')).join('\n');
  const env = parseEnv(uncommented);
  expect(Object.keys(env)).toHaveLength(Object.keys(SETTINGS).length + 2);
  expect(() => parseConfig(env)).not.toThrow();
});
