/**
 * What only some requests need, loaded by the first of them and kept: a
 * bundle's require stays cheap, and later uses cost one lookup, not a
 * `require` each (a module lookup, even of a Node built-in, costs
 * microseconds per call).
 */
export function onFirstUse<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}
