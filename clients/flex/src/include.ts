import { EnrichmentError } from './errors.js';
import { INCLUDE_PARTS } from './generated/enriched-interaction.js';

export type IncludePart = (typeof INCLUDE_PARTS)[number];

/** The parts to include: a list, or the endpoint's comma list (`'participants,task'`); `all` asks for every part. */
export type Include = string | readonly (IncludePart | 'all')[];

/**
 * `include` as the endpoint reads it, so that the same parts asked in any order or case share one request: spaces and
 * case ignored, `all` for every part, `participants` and `invites` imply `channels`, in the schema's order.
 */
export function normalizeInclude(include: Include | undefined): IncludePart[] {
  const asked = new Set<string>();
  for (const item of typeof include === 'string' ? include.split(',') : (include ?? [])) {
    const token = String(item).trim().toLowerCase();
    if (token === '') continue;
    if (token === 'all') INCLUDE_PARTS.forEach((part) => asked.add(part));
    else if ((INCLUDE_PARTS as readonly string[]).includes(token)) asked.add(token);
    else
      throw new EnrichmentError({
        code: 'invalid_include',
        status: 400,
        parameter: 'include',
        message: `include may list ${INCLUDE_PARTS.join(', ')} or all; "${token.slice(0, 40)}" is not one of them.`,
      });
  }
  if (asked.has('participants') || asked.has('invites')) asked.add('channels');
  return INCLUDE_PARTS.filter((part) => asked.has(part));
}
