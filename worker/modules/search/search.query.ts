/**
 * The search grammar, like a web search: words are ANDed, `"quoted phrases"` match in order, `or`/`OR`
 * between two words or phrases makes them alternatives, a leading `-` excludes. Everything else is
 * punctuation. The parser only ever emits tokens made of letters, digits and single inner joiners
 * (`. @ _ -`), so the tsquery text built from them (search.tsquery.ts) can never be a syntax error.
 */

export const SEARCH_QUERY_MAX_LENGTH = 200;
/** Clauses beyond this many are ignored: a longer query is noise, and each clause costs tsquery nodes. */
export const MAX_CLAUSES = 16;

/** One word (or a run of digits typed as a phone number) or one phrase. */
export interface Clause {
  kind: 'words' | 'phrase';
  /**
   * words: tokens that must all match (an elided word like `l'oréal` gives two);
   * phrase: tokens that must match in order.
   */
  tokens: string[];
  /** The last token is a prefix (`:*`): the word being typed. */
  prefix: boolean;
  /** A number typed with separators (`01 23 45 67 89`, `+33 (0)1…`): also try its digits as one token. */
  digits?: string;
}

export interface ParsedQuery {
  /** An AND of groups, each an OR of clauses. */
  groups: Clause[][];
  excluded: Clause[];
  /** The positive tokens in typing order, space-separated: for exact-name boosts and the trigram fallback. */
  text: string;
}

export interface ParseOptions {
  /** Shortest last token that becomes a prefix match; 3 for search, 2 for autocomplete. */
  prefixMin?: number;
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[.@_-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;
/** What a token handed to to_tsquery may contain: no quote, backslash, colon, operator or space. */
export const SAFE_TOKEN = /^[\p{L}\p{M}\p{N}.@_-]+$/u;
const NUMERIC_WORD = /^\+?[\d().\-/]*\d[\d().\-/]*$/;
const PHONE_MIN_DIGITS = 6;

interface RawItem {
  text: string;
  quoted: boolean;
  negated: boolean;
}

/** Splits the input into words and quoted phrases, each possibly negated. An unclosed quote runs to the end. */
function scan(input: string): RawItem[] {
  const items: RawItem[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i] as string;
    if (/\s/u.test(char)) {
      i++;
      continue;
    }
    const negated = char === '-' && i + 1 < input.length && !/\s/u.test(input[i + 1] as string);
    const start = negated ? i + 1 : i;
    if (input[start] === '"') {
      const close = input.indexOf('"', start + 1);
      const end = close === -1 ? input.length : close;
      items.push({ text: input.slice(start + 1, end), quoted: true, negated });
      i = end + 1;
      continue;
    }
    let end = start;
    while (end < input.length && !/\s/u.test(input[end] as string) && input[end] !== '"') end++;
    items.push({ text: input.slice(start, end), quoted: false, negated });
    i = end;
  }
  return items;
}

export function tokensOf(text: string): string[] {
  return Array.from(text.matchAll(TOKEN), (match) => match[0].toLowerCase());
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, '').replace(/^00/, '');
}

export function parseSearchQuery(input: string, options: ParseOptions = {}): ParsedQuery {
  const prefixMin = options.prefixMin ?? 3;
  const normalised = input
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/[\u201C\u201D\u00AB\u00BB]/g, '"');
  const items = scan(normalised);

  // Runs of numeric words ("01 23 45 67 89") become one clause: their tokens, or their digits as one token.
  type Entry = { clause: Clause; negated: boolean; isOr: boolean; quoted: boolean };
  const entries: Entry[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as RawItem;
    if (!item.quoted && !item.negated && NUMERIC_WORD.test(item.text)) {
      let end = index;
      while (end + 1 < items.length) {
        const next = items[end + 1] as RawItem;
        if (next.quoted || next.negated || !NUMERIC_WORD.test(next.text)) break;
        end++;
      }
      const run = items.slice(index, end + 1).map((part) => part.text);
      const tokens = run.flatMap(tokensOf);
      const digits = digitsOf(run.join(''));
      if (tokens.length > 0) {
        entries.push({
          clause: {
            kind: 'words',
            tokens,
            prefix: false,
            ...(digits.length >= PHONE_MIN_DIGITS && (run.length > 1 || /\D/.test(run[0] ?? ''))
              ? { digits }
              : {}),
          },
          negated: false,
          isOr: false,
          quoted: false,
        });
      }
      index = end;
      continue;
    }
    const tokens = tokensOf(item.text);
    if (tokens.length === 0) continue;
    const isOr = !item.quoted && !item.negated && tokens.length === 1 && tokens[0] === 'or';
    entries.push({
      clause: { kind: item.quoted ? 'phrase' : 'words', tokens, prefix: false },
      negated: item.negated,
      isOr,
      quoted: item.quoted,
    });
  }

  // The word being typed: the last entry, when it is a positive bare word of at least prefixMin characters.
  const last = entries[entries.length - 1];
  if (last && !last.negated && !last.quoted && last.clause.kind === 'words') {
    const lastToken = last.clause.tokens[last.clause.tokens.length - 1] ?? '';
    const digitsLong = (last.clause.digits?.length ?? 0) >= prefixMin;
    if ([...lastToken].length >= prefixMin || digitsLong) last.clause.prefix = true;
  }

  const groups: Clause[][] = [];
  const excluded: Clause[] = [];
  let clauses = 0;
  for (let index = 0; index < entries.length && clauses < MAX_CLAUSES; index++) {
    const entry = entries[index] as Entry;
    if (entry.negated) {
      excluded.push(entry.clause);
      clauses++;
      continue;
    }
    const previous = groups[groups.length - 1];
    const next = entries[index + 1];
    // `or` between two positive clauses joins them; anywhere else it is just the word "or".
    if (entry.isOr && previous && next && !next.negated && !next.isOr) {
      previous.push(next.clause);
      clauses++;
      index++;
      continue;
    }
    groups.push([entry.clause]);
    clauses++;
  }
  const text = groups
    .flat()
    .flatMap((clause) => clause.tokens)
    .join(' ');
  return { groups, excluded, text };
}

/** True when the query has something to look for (exclusions alone match nothing). */
export function isSearchable(query: ParsedQuery): boolean {
  return query.groups.length > 0;
}
