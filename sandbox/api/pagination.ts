import type { Json } from '../util/json';
import { ApiError, detail, json, type ApiResult } from './http';
import type { ApiCtx } from './router';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1000;

/** DRF PageNumberPagination: `{count, next, previous, results}` with absolute links on the caller's origin. */
export function paginate<T>(ctx: ApiCtx, items: T[], render: (item: T) => Json): ApiResult {
  const q = ctx.url.searchParams;
  const sizeRaw = Number(q.get('page_size'));
  const size = Number.isInteger(sizeRaw) && sizeRaw > 0 ? Math.min(sizeRaw, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const pageRaw = q.get('page');
  const page = pageRaw === null || pageRaw === 'last' ? (pageRaw === 'last' ? Math.max(1, Math.ceil(items.length / size)) : 1) : Number(pageRaw);
  const pages = Math.max(1, Math.ceil(items.length / size));
  if (!Number.isInteger(page) || page < 1 || page > pages) throw new ApiError(detail(404, 'Invalid page.'));
  const link = (p: number): string => {
    const u = new URL(`${ctx.origin}${ctx.path}${ctx.url.search}`);
    if (p === 1) u.searchParams.delete('page');
    else u.searchParams.set('page', String(p));
    return u.toString();
  };
  return json(200, {
    count: items.length,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: items.slice((page - 1) * size, page * size).map(render),
  });
}
