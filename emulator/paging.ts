import { absoluteUrl, type Product } from './representations';
import { errors } from './twilio-error';

export interface PageQuery {
  PageSize?: unknown;
  Page?: unknown;
  PageToken?: unknown;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/**
 * One page of a Twilio list: `{ [key]: items, meta }`, with `next_page_url`
 * carrying a PageToken so the helper's `list()`/`each()` can follow it.
 */
export function page<T>(
  query: PageQuery,
  items: readonly T[],
  where: { product: Product; path: string; key: string },
): Record<string, unknown> {
  const pageSize = integerParam('PageSize', query.PageSize, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const pageNumber = integerParam('Page', query.Page, 0, 0, Number.MAX_SAFE_INTEGER);
  const offset = tokenOffset(query.PageToken) ?? pageNumber * pageSize;
  const slice = items.slice(offset, offset + pageSize);
  const pageUrl = (pageIndex: number, start: number | null) => {
    const params = new URLSearchParams({ PageSize: String(pageSize), Page: String(pageIndex) });
    if (start !== null) params.set('PageToken', `PT${start}`);
    return `${absoluteUrl(where.product, where.path)}?${params.toString()}`;
  };
  const hasNext = offset + pageSize < items.length;
  const hasPrevious = offset > 0;
  return {
    [where.key]: slice,
    meta: {
      page: pageNumber,
      page_size: pageSize,
      first_page_url: pageUrl(0, null),
      previous_page_url: hasPrevious ? pageUrl(Math.max(pageNumber - 1, 0), Math.max(offset - pageSize, 0)) : null,
      url: pageUrl(pageNumber, query.PageToken === undefined ? null : offset),
      next_page_url: hasNext ? pageUrl(pageNumber + 1, offset + pageSize) : null,
      key: where.key,
    },
  };
}

function integerParam(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) throw errors.invalidParameter(name, 'must be an integer');
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw errors.invalidParameter(name, `must be between ${min} and ${max}`);
  return parsed;
}

function tokenOffset(token: unknown): number | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || !/^PT\d{1,10}$/.test(token)) throw errors.invalidParameter('PageToken', 'is not a page token');
  return Number(token.slice(2));
}
