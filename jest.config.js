/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // The Flex client is an ES module package, whose imports name the .js its .ts becomes (clients/flex); examples
  // import it by its package name, as a plugin does (tsconfig.json's paths).
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@flex-interaction-enrichment/flex-client$': '<rootDir>/clients/flex/src/index.ts',
  },
  setupFiles: ['<rootDir>/test/support/twilio-runtime-globals.ts'],
  testTimeout: 30000,
  // Integration suites start real servers; two workers suit the 2-core machines.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/figures-reporter.js'],
};
