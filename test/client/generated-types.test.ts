import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  INCLUDE_PARTS,
  SCHEMA_VERSION,
  SERVER_ERROR_CODES,
  type ErrorEnvelope,
} from '../../clients/flex/src/generated/enriched-interaction';
import { ERROR_STATUS, type ErrorCode } from '../../src/core/errors';
import { SCHEMA_VERSION as SERVER_SCHEMA_VERSION } from '../../src/core/payload';
import { INCLUDE_PARTS as SERVER_INCLUDE_PARTS } from '../../src/core/request-parameters';

const root = path.resolve(__dirname, '../..');
const client = path.join(root, 'clients/flex');

test("the client's types are what the schema gives today (else run npm run generate in clients/flex)", () => {
  // In its own process: json-schema-to-typescript loads Prettier, which jest's module sandbox cannot.
  const generator = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/generate-types.ts', '--stdout'], {
    cwd: client,
    encoding: 'utf8',
  });
  expect(generator.stderr).toBe('');
  expect(readFileSync(path.join(client, 'src/generated/enriched-interaction.ts'), 'utf8')).toBe(generator.stdout);
});

test("the client knows every error code of the server's ERROR_STATUS, and no other", () => {
  expect([...SERVER_ERROR_CODES].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
});

test('the include parts, in their order, and the schema version are the server’s', () => {
  expect(INCLUDE_PARTS).toEqual(SERVER_INCLUDE_PARTS);
  expect(SCHEMA_VERSION).toBe(SERVER_SCHEMA_VERSION);
});

// Checked by tsc (npm test type-checks the project before jest runs): the code union is ERROR_STATUS's keys.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameErrorCodes: Same<ErrorEnvelope['error']['code'], ErrorCode> = true;

test('the type check above is part of this file', () => {
  expect(sameErrorCodes).toBe(true);
});
