/**
 * List pages keep all their state in the query string (filters, sort, page),
 * so any view can be shared or bookmarked. Keyset pages only know the next
 * cursor; going back uses `prev`, the cursors of the pages before this one
 * (`0` for the first page), so "previous page" is a plain link too.
 */

const FIRST = '0';
const MAX_BACK = 30;

/** Query parameters Remix adds to data requests, and one-off notices: never carried to other pages. */
const INTERNAL = ['_data', 'index', '_routes', 'notice'];

export interface PageLinks {
  /** 1-based number of the current page (as far as the back-stack knows). */
  page: number;
  first: string | null;
  previous: string | null;
  next: string | null;
}

function withParams(pathname: string, params: URLSearchParams): string {
  for (const name of INTERNAL) params.delete(name);
  const search = params.toString();
  return search ? `${pathname}?${search}` : pathname;
}

export function pageLinks(pathname: string, search: string, nextCursor: string | null): PageLinks {
  const params = new URLSearchParams(search);
  const cursor = params.get('cursor');
  const back = (params.get('prev') ?? '').split('.').filter(Boolean);

  let next: string | null = null;
  if (nextCursor) {
    const forward = new URLSearchParams(params);
    forward.set('cursor', nextCursor);
    forward.set('prev', [...back, cursor ?? FIRST].slice(-MAX_BACK).join('.'));
    next = withParams(pathname, forward);
  }

  const firstParams = new URLSearchParams(params);
  firstParams.delete('cursor');
  firstParams.delete('prev');
  const first = cursor ? withParams(pathname, firstParams) : null;

  let previous: string | null = null;
  if (cursor) {
    const last = back[back.length - 1];
    if (!last || last === FIRST) {
      previous = first;
    } else {
      const backward = new URLSearchParams(params);
      backward.set('cursor', last);
      const rest = back.slice(0, -1);
      if (rest.length) backward.set('prev', rest.join('.'));
      else backward.delete('prev');
      previous = withParams(pathname, backward);
    }
  }

  return { page: cursor ? back.length + 1 : 1, first, previous, next };
}

/** The address of this list with `changes` applied (null removes) and the paging reset. */
export function listHref(pathname: string, search: string, changes: Record<string, string | null>): string {
  const params = new URLSearchParams(search);
  params.delete('cursor');
  params.delete('prev');
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === '') params.delete(name);
    else params.set(name, value);
  }
  return withParams(pathname, params);
}

/** A query value, trimmed; undefined when absent or blank. */
export function param(params: URLSearchParams, name: string, max = 200): string | undefined {
  const value = params.get(name)?.trim();
  return value ? value.slice(0, max) : undefined;
}

/** A query value restricted to `values`. */
export function enumParam<T extends string>(
  params: URLSearchParams,
  name: string,
  values: readonly T[],
): T | undefined {
  const value = params.get(name);
  return value && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value && UUID.test(value) ? value : undefined;
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
