import { type SQL, sql } from 'drizzle-orm';

/**
 * ts_headline marks matches with two private-use characters that are stripped from the text first, so
 * they cannot come from the data; the result is HTML-escaped, then the markers become <mark></mark>.
 * The only markup a client ever receives is ours.
 */
const START = '\uE000';
const STOP = '\uE001';

const OPTIONS_ALL = `HighlightAll=true, StartSel=${START}, StopSel=${STOP}`;
const OPTIONS_SNIPPET = `MaxFragments=2, MaxWords=18, MinWords=6, ShortWord=2, FragmentDelimiter=" … ", StartSel=${START}, StopSel=${STOP}`;

const clean = (text: SQL) => sql`translate(${text}, ${START + STOP}, '')`;

/** The whole (short) text with every match marked. */
export function headlineAll(config: 'simple' | 'french', text: SQL, tsquery: string): SQL {
  return sql`ts_headline(${`public.alforis_${config}`}::regconfig, ${clean(text)}, ${tsquery}::tsquery, ${OPTIONS_ALL})`;
}

/** Up to two fragments of a long text around its matches. */
export function headlineSnippet(text: SQL, tsquery: string): SQL {
  return sql`ts_headline('public.alforis_french'::regconfig, ${clean(text)}, ${tsquery}::tsquery, ${OPTIONS_SNIPPET})`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/** Escaped HTML with <mark> around matches; `null` for a snippet that marks nothing (no match in the text). */
export function renderHighlight(raw: string | null | undefined, options: { requireMatch?: boolean } = {}) {
  if (raw === null || raw === undefined) return null;
  if (options.requireMatch && !raw.includes(START)) return null;
  return escapeHtml(raw).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');
}
