/**
 * Browser-side pieces of search shared by the Cmd-K bar and the results
 * page: where a hit opens, and the recent searches kept on this device.
 */

export type SuggestionType = 'organisations' | 'people' | 'mandates';

/** The page of a record found by search. */
export function recordHref(type: SuggestionType, id: string): string {
  if (type === 'organisations') return `/organisations/${id}`;
  if (type === 'people') return `/personnes/${id}`;
  return `/mandats/${id}`;
}

/** The results page for a query (and optionally one type). */
export function resultsHref(q: string, type?: string): string {
  const params = new URLSearchParams({ q });
  if (type) params.set('type', type);
  return `/recherche?${params}`;
}

const RECENT_KEY = 'alforis.search.recent';
const RECENT_MAX = 6;

/** Recent searches, newest first; empty where storage is unavailable (private mode, disabled). */
export function readRecentSearches(): string[] {
  try {
    const value: unknown = JSON.parse(window.localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(value)
      ? value
          .filter((item): item is string => typeof item === 'string' && item.trim() !== '')
          .slice(0, RECENT_MAX)
      : [];
  } catch {
    return [];
  }
}

/** Puts `q` first (once, case-insensitively) and keeps the last few. */
export function rememberSearch(q: string): void {
  const query = q.trim();
  if (query.length < 2) return;
  const rest = readRecentSearches().filter((item) => item.toLowerCase() !== query.toLowerCase());
  try {
    window.localStorage.setItem(RECENT_KEY, JSON.stringify([query, ...rest].slice(0, RECENT_MAX)));
  } catch {
    // Storage full or disabled: history is a convenience, search still works.
  }
}

export function clearRecentSearches(): void {
  try {
    window.localStorage.removeItem(RECENT_KEY);
  } catch {
    // as above
  }
}
