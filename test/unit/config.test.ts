import { parseConfig, secretsIn } from '../../src/core/config';
import { EnrichmentError } from '../../src/core/errors';

test('defaults, when nothing is set', () => {
  expect(parseConfig({})).toEqual({
    apiBaseUrl: null,
    allowedOrigins: ['https://flex.twilio.com'],
    allowedRoles: [],
    deadlineMs: 8000,
    attemptTimeoutMs: 2500,
    maxAttempts: 6,
    retryBaseMs: 100,
    retryMaxDelayMs: 1000,
    maxConcurrency: 16,
    retryBudgetRatio: 0.1,
    retryBudgetReservePerSecond: 1,
    rateLimitHoldMs: 1000,
    sync: null,
    tokenValidationTimeoutMs: 3000,
    cacheTtlMs: 5000,
    cacheMaxEntries: 500,
    cacheMaxBytes: 8388608,
    tokenCacheTtlMs: 300000,
    studioMaxBytes: 60000,
    listLimit: 200,
    writeBack: false,
    writeBackKey: 'enrichment',
    logLevel: 'info',
    secrets: [],
  });
});

test('values are parsed and typed', () => {
  const config = parseConfig({
    TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/',
    FLEX_ALLOWED_ORIGINS: 'https://flex.twilio.com, http://localhost:3000',
    FLEX_ALLOWED_ROLES: 'supervisor,admin',
    WEBHOOK_WRITE_BACK: 'TRUE',
    CACHE_TTL_MS: '0',
    AUTH_TOKEN: 'emulator-auth-token-000000000000',
  });
  expect(config).toMatchObject({
    apiBaseUrl: 'http://127.0.0.1:4010',
    allowedOrigins: ['https://flex.twilio.com', 'http://localhost:3000'],
    allowedRoles: ['supervisor', 'admin'],
    writeBack: true,
    cacheTtlMs: 0,
    secrets: ['emulator-auth-token-000000000000'],
  });
});

test.each([
  ['REQUEST_DEADLINE_MS', '12000'],
  ['REQUEST_DEADLINE_MS', '8s'],
  ['UPSTREAM_MAX_ATTEMPTS', '0'],
  ['UPSTREAM_ATTEMPT_TIMEOUT_MS', '-1'],
  ['STUDIO_MAX_RESPONSE_BYTES', '70000'],
  ['TWILIO_API_BASE_URL', 'localhost:4010'],
  ['TWILIO_API_BASE_URL', 'http://127.0.0.1:4010/v1'],
  ['WEBHOOK_WRITE_BACK', 'yes'],
  ['WEBHOOK_WRITE_BACK_KEY', 'a.b'],
  ['LOG_LEVEL', 'verbose'],
])('a bad %s (%s) fails loudly, naming the variable', (name, value) => {
  expect(() => parseConfig({ [name]: value })).toThrow(
    expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining(name) }),
  );
  expect(() => parseConfig({ [name]: value })).toThrow(EnrichmentError);
});

test('timeouts longer than the deadline are accepted: the time left bounds them at run time', () => {
  expect(
    parseConfig({ REQUEST_DEADLINE_MS: '2000', UPSTREAM_ATTEMPT_TIMEOUT_MS: '2500', FLEX_TOKEN_VALIDATION_TIMEOUT_MS: '3000' }),
  ).toMatchObject({
    deadlineMs: 2000,
    attemptTimeoutMs: 2500,
    tokenValidationTimeoutMs: 3000,
  });
});

test('secrets are collected from every variable that can hold one, even when other settings are invalid', () => {
  const env = { AUTH_TOKEN: 'auth-token-0123456789', TWILIO_API_SECRET: 'api-secret-0123456789', REQUEST_DEADLINE_MS: 'soon' };
  expect(secretsIn(env)).toEqual(['auth-token-0123456789', 'api-secret-0123456789']);
});
