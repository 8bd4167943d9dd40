const FIRST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A time as the payload gives dates: ISO 8601 in UTC, with the four-digit
 * year RFC 3339 (the schema's date-time) allows; null outside years 0000-9999,
 * where toISOString writes six digits and a sign. Twilio's dates can get
 * there: a date-time in year 0000 with a positive offset is in year -1 in
 * UTC, and Interactions' epoch seconds can be any number.
 */
export function isoDateTime(ms: number): string | null {
  return ms >= FIRST_MS && ms <= LAST_MS ? new Date(ms).toISOString() : null;
}
