import { createLogger } from '../../src/core/logger';

/** Log lines: one JSON object each, with the request id, and never a secret. */

function capture(level: 'debug' | 'info' | 'warn' = 'info', secrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger({ requestId: 'req-7', level, secrets, write: (line) => lines.push(line), base: { endpoint: 'studio' } });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('a line is one JSON object with time, level, event, request id and the fields', () => {
  const { logger, parsed } = capture();
  logger.info('request_completed', { status: 200, upstreamCalls: 1 });
  expect(parsed()).toEqual([
    {
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      event: 'request_completed',
      requestId: 'req-7',
      endpoint: 'studio',
      status: 200,
      upstreamCalls: 1,
    },
  ]);
});

test('lines below the level are not written', () => {
  const { logger, lines } = capture('warn');
  logger.debug('a');
  logger.info('b');
  logger.warn('c');
  expect(lines).toHaveLength(1);
});

test('configured secrets and added Flex tokens are redacted, as written and as JSON escapes them', () => {
  const token = 'eyJ0eXAiOiJKV1Qi"quoted\\token';
  const { logger, lines } = capture('info', ['auth-token-0123456789abcdef']);
  logger.addSecret(token);
  logger.warn('upstream_failed', { errorMessage: 'refused auth-token-0123456789abcdef and auth-token-0123456789abcdef', token });
  expect(lines[0]).not.toContain('auth-token-0123456789abcdef');
  expect(lines[0]).not.toContain(JSON.stringify(token).slice(1, -1));
  expect(JSON.parse(lines[0]!)).toMatchObject({ errorMessage: 'refused [redacted] and [redacted]', token: '[redacted]' });
});

test('short values are not treated as secrets (they would redact ordinary words)', () => {
  const { logger, lines } = capture();
  logger.addSecret('ab');
  logger.info('ab');
  expect(JSON.parse(lines[0]!).event).toBe('ab');
});
