/** A JSON object: not null, not an array. The one check for it, wherever parsed or given input is read. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
