import type { LogLevel } from './config';

/**
 * Structured logs: one JSON object a line, each with the request id. Every
 * line passes through `redact`, which replaces the configured secrets and the
 * request's Flex token wherever they appear, so a secret cannot reach a log
 * even inside an upstream error message.
 */

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** Adds a value (e.g. the caller's Flex token) that must never be logged. */
  addSecret(secret: string): void;
  /** Adds fields to every later line (the interaction SID, the cache outcome, ...). */
  appendKeys(fields: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const REDACTED = '[redacted]';

/** A secret as it may appear in a line: as written, and as JSON escapes it. */
function formsOf(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  return escaped === secret ? [secret] : [secret, escaped];
}

/** Replaces every form of every secret with a marker. */
export function redact(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED);
  return result;
}

/**
 * The forms of a list of secrets, worked out once per list: the warm
 * container's config keeps one list for every invocation it serves.
 */
const formsOfList = new WeakMap<readonly string[], readonly string[]>();
function formsOfAll(secrets: readonly string[]): readonly string[] {
  let forms = formsOfList.get(secrets);
  if (!forms) formsOfList.set(secrets, (forms = secrets.filter(Boolean).flatMap(formsOf)));
  return forms;
}

export function createLogger(options: {
  requestId: string;
  level: LogLevel;
  secrets: readonly string[];
  write?: (line: string) => void;
  base?: LogFields;
}): Logger {
  const forms = [...formsOfAll(options.secrets)];
  const keys: LogFields = { ...options.base };
  const write = options.write ?? ((line: string) => console.log(line));
  const emit = (level: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields = {}) => {
    if (RANK[level] < RANK[options.level]) return;
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      event,
      requestId: options.requestId,
      ...keys,
      ...fields,
    });
    write(redact(line, forms));
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    addSecret: (secret) => {
      if (secret.length >= 8) forms.push(...formsOf(secret));
    },
    appendKeys: (fields) => {
      Object.assign(keys, fields);
    },
  };
}

/** Describes a thrown value for a log line without its stack or any request data. */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error) {
    const { status, code } = error as { status?: unknown; code?: unknown };
    return { errorName: error.name, errorMessage: error.message, status, code };
  }
  return { errorMessage: String(error) };
}
