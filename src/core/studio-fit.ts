import type { EnrichedInteraction, Warning } from './payload';

/**
 * Studio's HTTP widget parses at most 64 kB of JSON. `fitWithin` returns the
 * payload unchanged when it fits, else a trimmed copy (the cached original is
 * never touched): lists are cut first, then the raw routing copy, the
 * channel and the links, then attributes, then repeated warnings are merged,
 * and as a last resort long strings are shortened and the included parts
 * dropped. What was cut is named in `meta.truncated` and a warning. Links are
 * trimmed whole: their names are as long as Twilio makes them.
 */

const LIST_LIMITS = [100, 50, 20, 10, 5, 2, 1, 0];
const LAST_RESORT_STRING_LENGTH = 256;
const MAX_TRUNCATED_PATHS = 20;

export function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * A bound on byteSize(value) that is never below it, found without
 * serializing: a UTF-16 unit of a string takes at most 6 bytes (`\uXXXX`), a
 * number at most 24. Most answers are far under the limit by this bound, so
 * the exact size is only computed for the few that may not be.
 */
export function jsonSizeBound(value: unknown): number {
  if (typeof value === 'string') return 2 + 6 * value.length;
  // The longest a number serializes: 17 significant digits in fixed notation down to 1e-6, as -0.0000012345678901234567 (25).
  if (typeof value === 'number') return 25;
  if (typeof value !== 'object' || value === null) return 5;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return byteSize(value);
  let size = 2;
  if (Array.isArray(value)) for (const item of value) size += jsonSizeBound(item) + 1;
  else for (const key in value) size += 8 + 6 * key.length + jsonSizeBound((value as Record<string, unknown>)[key]);
  return size;
}

export function fitWithin(payload: EnrichedInteraction, maxBytes: number): EnrichedInteraction {
  if (jsonSizeBound(payload) <= maxBytes || byteSize(payload) <= maxBytes) return payload;
  const trimmed = structuredClone(payload);
  const truncated: Record<string, number> = {};
  const dropped: string[] = [];
  const annotated = (): EnrichedInteraction => {
    const cuts = [...Object.keys(truncated).map((path) => `${path} (${truncated[path]} items)`), ...dropped];
    const named = cuts.length > 6 ? [...cuts.slice(0, 6), `${cuts.length - 6} more`] : cuts;
    const warning: Warning = {
      code: 'truncated',
      message: `Trimmed to fit ${maxBytes} bytes for Studio: ${named.join(', ')}. /interaction answers in full.`,
    };
    return { ...trimmed, meta: { ...trimmed.meta, truncated, warnings: [...trimmed.meta.warnings, warning] } };
  };
  const fits = () => byteSize(annotated()) <= maxBytes;

  const counted = new Set<string>();
  for (const limit of LIST_LIMITS) {
    for (const [path, list] of lists(trimmed)) {
      if (list.length <= limit) continue;
      if (!counted.has(path)) {
        counted.add(path);
        const key = Object.keys(truncated).length < MAX_TRUNCATED_PATHS ? path : 'other lists';
        truncated[key] = (truncated[key] ?? 0) + list.length;
      }
      list.length = limit;
    }
    if (fits()) return annotated();
  }

  const steps: Array<[string, () => void]> = [
    ['interaction.routing (the same data is in task)', () => (trimmed.interaction.routing = null)],
    ['interaction.channel', () => (trimmed.interaction.channel = null)],
    ['interaction.links', () => (trimmed.interaction.links = null)],
    ['task.attributes', () => trimmed.task && ((trimmed.task.attributes = null), delete trimmed.task.attributesRaw)],
    ['liveTask.attributes', () => trimmed.liveTask && (trimmed.liveTask.attributes = null)],
    ['conversation.details.attributes', () => trimmed.conversation.details && (trimmed.conversation.details.attributes = null)],
    ['repeated warnings (merged by code)', () => (trimmed.meta.warnings = mergedByCode(trimmed.meta.warnings))],
    [
      'channels[].participants[].routingProperties (workerSid and taskSid stay)',
      () => trimmed.channels?.forEach((channel) => channel.participants?.forEach((participant) => (participant.routingProperties = null))),
    ],
    [`strings over ${LAST_RESORT_STRING_LENGTH} characters`, () => shortenStrings(trimmed)],
    [
      'the included parts',
      () => {
        if (trimmed.channels) trimmed.channels = null;
        if (trimmed.liveTask) trimmed.liveTask = null;
        if (trimmed.transfer) trimmed.transfer = null;
        if (trimmed.conversation.details) trimmed.conversation.details = null;
        if (trimmed.conversation.participants) trimmed.conversation.participants = null;
      },
    ],
  ];
  for (const [what, drop] of steps) {
    drop();
    dropped.push(what);
    if (fits()) return annotated();
  }
  return annotated();
}

/** One warning per code, its message saying how many there were. */
function mergedByCode(warnings: Warning[]): Warning[] {
  const byCode = new Map<Warning['code'], { first: Warning; count: number }>();
  for (const warning of warnings) {
    const seen = byCode.get(warning.code);
    if (seen) seen.count += 1;
    else byCode.set(warning.code, { first: warning, count: 1 });
  }
  return [...byCode.values()].map(({ first, count }) =>
    count === 1 ? first : { code: first.code, message: `${first.message} (and ${count - 1} more like it)` },
  );
}

function lists(payload: EnrichedInteraction): Array<[string, unknown[]]> {
  const found: Array<[string, unknown[]]> = [];
  payload.channels?.forEach((channel, index) => {
    if (channel.participants) found.push([`channels[${index}].participants`, channel.participants]);
    if (channel.invites) found.push([`channels[${index}].invites`, channel.invites]);
  });
  if (payload.conversation.participants) found.push(['conversation.participants', payload.conversation.participants]);
  if (payload.channels) found.push(['channels', payload.channels]);
  return found.sort((a, b) => b[1].length - a[1].length);
}

function shortenStrings(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (typeof item === 'string' && item.length > LAST_RESORT_STRING_LENGTH)
        value[index] = `${item.slice(0, LAST_RESORT_STRING_LENGTH)}…`;
      else shortenStrings(item);
    });
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      if (typeof item === 'string' && item.length > LAST_RESORT_STRING_LENGTH) record[key] = `${item.slice(0, LAST_RESORT_STRING_LENGTH)}…`;
      else shortenStrings(item);
    }
  }
}
