import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parseConfig, SETTINGS } from '../../src/core/config';

/** .env.example is the annotated list of settings a newcomer copies (npm run docs writes it from src/core/config.ts). */

const lines = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8').split('\n');

test('copied to .env and uncommented as is, it is a valid configuration with the credentials and every setting', () => {
  const uncommented = lines.map((line) => line.replace(/^# (?=[A-Z][A-Z0-9_]*=)/, '')).join('\n');
  const env = parseEnv(uncommented);
  expect(Object.keys(env).sort()).toEqual(['ACCOUNT_SID', 'AUTH_TOKEN', ...Object.keys(SETTINGS)].sort());
  expect(() => parseConfig(env)).not.toThrow();
});
