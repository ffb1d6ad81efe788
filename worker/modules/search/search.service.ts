import type { SQL } from 'drizzle-orm';
import { AppError } from '../../lib/errors';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import type { ActorDeps } from '../../lib/service-context';
import { type Actor, assertPermission, hasPermission } from '../identity/actor';
import {
  type EntitySpec,
  iso,
  MANDATES,
  ORGANISATIONS,
  PEOPLE,
  type Row,
  SPECS,
  text,
} from './search.entities';
import { mandateFilters, organisationFilters, peopleFilters } from './search.filters';
import { renderHighlight } from './search.highlight';
import { parseSearchQuery } from './search.query';
import {
  AUTOCOMPLETE_TYPES,
  type AutocompleteQuery,
  type AutocompleteType,
  type InteractionHit,
  type MandateHit,
  type OrganisationHit,
  type PersonHit,
  SEARCH_TYPES,
  type SearchMandatesQuery,
  type SearchOrganisationsQuery,
  type SearchPeopleQuery,
  type SearchQuery,
  type SearchType,
  type Suggestion,
} from './search.schemas';
import {
  BOOST_EXACT_NAME,
  byScore,
  fuzzyStatement,
  type Position,
  runStatements,
  textStatement,
} from './search.statements';
import { type CompiledQuery, compileQuery } from './search.tsquery';

/** Fewer full-text matches than this (for a type) and the typo-tolerant fallback fills in. */
export const FALLBACK_BELOW = 3;
/** The fallback needs this much text to compare: trigrams of one or two letters match anything. */
const FALLBACK_MIN_LENGTH = 3;
const AUTOCOMPLETE_LIMIT = 10;

// ---------------------------------------------------------------- cursors

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCORE = /^\d{1,6}(\.\d{1,6})?$/;

function invalidCursor(): AppError {
  return new AppError('VALIDATION_FAILED', {
    detail: 'Invalid cursor',
    errors: [
      {
        path: 'cursor',
        message: 'Invalid cursor; use nextCursor from a previous page',
        code: 'invalid_cursor',
      },
    ],
  });
}

/**
 * The reference time of recency boosts: the current hour, so two searches a moment apart
 * rank identically (the boost is measured in days; an hour changes nothing a user sees).
 */
function currentReferenceTime(): string {
  const hour = 3_600_000;
  return new Date(Math.floor(Date.now() / hour) * hour).toISOString();
}

/** The reference time of recency boosts travels in the cursor, so scores do not drift between pages. */
function referenceTime(value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalidCursor();
  return new Date(value).toISOString();
}

function positionOf(score: unknown, id: unknown): Position | null {
  if (score === null && id === null) return null;
  if (typeof score !== 'string' || !SCORE.test(score) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalidCursor();
  }
  return { score, id };
}

// ---------------------------------------------------------------- per type

interface TypeRequest {
  spec: EntitySpec;
  filters: (SQL | undefined)[];
  limit: number;
  after: Position | null;
}

interface TypeResult {
  hits: unknown[];
  count: number;
  next: Position | null;
  /** The best fuzzy match's name and similarity, for "did you mean". */
  suggestion: { label: string; similarity: number } | null;
  exactNameHit: boolean;
}

const scoreOf = (row: Row) => Number(row.score);
const similarityOf = (row: Row) => Number(row.similarity);

function baseOf(row: Row) {
  return {
    id: String(row.id),
    ownerId: String(row.owner_id),
    teamId: text(row.team_id),
    updatedAt: iso(row.updated_at),
  };
}

function textHit(spec: EntitySpec, row: Row): unknown {
  return spec.toHit(row.fields as Row, {
    ...baseOf(row),
    score: scoreOf(row),
    match: 'text',
    highlight: {
      name: renderHighlight(text(row.label_html) ?? text(row.label) ?? '') ?? '',
      snippet: renderHighlight(text(row.snippet_html), { requireMatch: true }),
    },
  });
}

function fuzzyHit(spec: EntitySpec, row: Row): unknown {
  return spec.toHit(row.fields as Row, {
    ...baseOf(row),
    score: similarityOf(row),
    match: 'fuzzy',
    highlight: { name: renderHighlight(text(row.label) ?? '') ?? '', snippet: null },
  });
}

/** The best fuzzy row whose name differs from the query (accents, case and punctuation aside). */
function suggestionOf(rows: Row[]): TypeResult['suggestion'] {
  const best = rows.find((row) => row.label_key !== row.query_key);
  return best ? { label: String(best.name_text), similarity: similarityOf(best) } : null;
}

/**
 * Pages of full-text hits for several types in one statement, with their counts; then, on a first page
 * where all types together have fewer than FALLBACK_BELOW matches, typo-tolerant hits after them (they count too)
 * in a second statement, the best of them a suggestion.
 */
async function searchTypes(
  deps: ActorDeps,
  compiled: CompiledQuery,
  requests: TypeRequest[],
  ref: string,
): Promise<TypeResult[]> {
  const found = await runStatements(
    deps.db,
    requests.map((request) =>
      textStatement(deps.actor, request.spec, compiled, {
        on: 'all',
        filters: request.filters,
        limit: request.limit,
        after: request.after,
        ref,
        count: true,
      }),
    ),
  );
  const results = requests.map((request): TypeResult & { rows: Row[]; more: boolean } => {
    const all = found.get(request.spec.type) ?? [];
    const count = Number(all[0]?.total ?? 0);
    const sorted = all.filter((row) => row.id !== null).sort(byScore(scoreOf));
    const more = sorted.length > request.limit;
    const rows = more ? sorted.slice(0, request.limit) : sorted;
    const last = rows[rows.length - 1];
    return {
      rows,
      more,
      hits: rows.map((row) => textHit(request.spec, row)),
      count,
      next: more && last ? { score: String(last.score), id: String(last.id) } : null,
      suggestion: null,
      exactNameHit: rows.some((row) => scoreOf(row) >= BOOST_EXACT_NAME),
    };
  });
  // Typos are looked for only when the whole search found little: a word that matches a thousand
  // organisations was not misspelt, even if no mandate contains it (and the trigram recheck of a
  // common word is the most expensive statement there is).
  const foundTotal = results.reduce((sum, result) => sum + result.count, 0);
  const fallbacks = requests.flatMap((request, index) => {
    const result = results[index];
    if (!result || request.after || foundTotal >= FALLBACK_BELOW) return [];
    if ([...compiled.text].length < FALLBACK_MIN_LENGTH) return [];
    const statement = fuzzyStatement(deps.actor, request.spec, compiled, {
      filters: request.filters,
      limit: result.more ? 0 : request.limit - result.hits.length,
      exclude: result.rows.map((row) => String(row.id)),
    });
    return statement ? [statement] : [];
  });
  if (fallbacks.length > 0) {
    const fuzzy = await runStatements(deps.db, fallbacks);
    requests.forEach((request, index) => {
      const result = results[index];
      const rows = (fuzzy.get(request.spec.type) ?? []).sort(byScore(similarityOf));
      if (!result || rows.length === 0) return;
      result.hits.push(...rows.map((row) => fuzzyHit(request.spec, row)));
      result.count += rows.length;
      result.suggestion = suggestionOf(rows);
    });
  }
  return results;
}

function bestSuggestion(results: TypeResult[]): string | undefined {
  if (results.some((result) => result.exactNameHit)) return undefined;
  let best: TypeResult['suggestion'] = null;
  for (const result of results) {
    if (result.suggestion && (!best || result.suggestion.similarity > best.similarity))
      best = result.suggestion;
  }
  return best?.label;
}

// ---------------------------------------------------------------- services

const emptyCounts = (): Record<SearchType, number> => ({
  organisations: 0,
  people: 0,
  mandates: 0,
  interactions: 0,
});

/** The types to search: those asked for (403 for one the caller may not read), else every readable one. */
function typesFor<T extends SearchType>(actor: Actor, all: readonly T[], requested: T[] | undefined): T[] {
  if (requested) {
    for (const type of requested) assertPermission(actor, type, 'read');
    return all.filter((type) => requested.includes(type));
  }
  const readable = all.filter((type) => hasPermission(actor, type, 'read'));
  if (readable.length === 0) {
    throw new AppError('FORBIDDEN', { detail: `Missing permission to read any of ${all.join(', ')}` });
  }
  return readable;
}

export interface SearchResponse {
  query: string;
  types: SearchType[];
  results: {
    organisations: OrganisationHit[];
    people: PersonHit[];
    mandates: MandateHit[];
    interactions: InteractionHit[];
  };
  counts: Record<SearchType, number>;
  didYouMean?: string;
  nextCursor: string | null;
}

/** GET /search: every readable type at once, `limit` hits each; the cursor pages the types that have more. */
export async function search(deps: ActorDeps, query: SearchQuery): Promise<SearchResponse> {
  const types = typesFor(deps.actor, SEARCH_TYPES, query.types);
  let ref = currentReferenceTime();
  let positions: Partial<Record<SearchType, Position | null>> | null = null;
  if (query.cursor) {
    const values = decodeCursor(query.cursor, 1 + SEARCH_TYPES.length * 2);
    ref = referenceTime(values[0]);
    const decoded: Partial<Record<SearchType, Position | null>> = {};
    SEARCH_TYPES.forEach((type, index) => {
      decoded[type] = positionOf(values[1 + index * 2] ?? null, values[2 + index * 2] ?? null);
    });
    positions = decoded;
  }
  const response: SearchResponse = {
    query: query.q,
    types,
    results: { organisations: [], people: [], mandates: [], interactions: [] },
    counts: emptyCounts(),
    nextCursor: null,
  };
  const compiled = await compileQuery(deps.db, parseSearchQuery(query.q));
  if (!compiled) return response;
  // On later pages only the types that had more are searched.
  const active = positions ? types.filter((type) => positions?.[type]) : types;
  const results = await searchTypes(
    deps,
    compiled,
    active.map((type) => ({
      spec: SPECS[type],
      filters: [],
      limit: query.limit,
      after: positions?.[type] ?? null,
    })),
    ref,
  );
  const next: (string | null)[] = [ref];
  let hasMore = false;
  for (const type of SEARCH_TYPES) {
    const result = results[active.indexOf(type)];
    if (active.includes(type) && result) {
      (response.results[type] as unknown[]) = result.hits;
      response.counts[type] = result.count;
    }
    const position = active.includes(type) ? result?.next : null;
    next.push(position?.score ?? null, position?.id ?? null);
    if (position) hasMore = true;
  }
  if (hasMore) response.nextCursor = encodeCursor(next);
  const didYouMean = bestSuggestion(results);
  if (didYouMean) response.didYouMean = didYouMean;
  return response;
}

export interface EntitySearchPage<H> {
  query: string;
  data: H[];
  count: number;
  didYouMean?: string;
  nextCursor: string | null;
}

async function searchOne<H>(
  deps: ActorDeps,
  spec: EntitySpec<H>,
  query: { q: string; limit: number; cursor?: string },
  filters: (SQL | undefined)[],
): Promise<EntitySearchPage<H>> {
  let ref = currentReferenceTime();
  let after: Position | null = null;
  if (query.cursor) {
    const [time, score, id] = decodeCursor(query.cursor, 3);
    ref = referenceTime(time);
    after = positionOf(score ?? null, id ?? null);
    if (!after) throw invalidCursor();
  }
  const page: EntitySearchPage<H> = { query: query.q, data: [], count: 0, nextCursor: null };
  const compiled = await compileQuery(deps.db, parseSearchQuery(query.q));
  if (!compiled) return page;
  const [result] = await searchTypes(deps, compiled, [{ spec, filters, limit: query.limit, after }], ref);
  if (!result) return page;
  page.data = result.hits as H[];
  page.count = result.count;
  if (result.next) page.nextCursor = encodeCursor([ref, result.next.score, result.next.id]);
  const didYouMean = bestSuggestion([result]);
  if (didYouMean) page.didYouMean = didYouMean;
  return page;
}

export function searchOrganisations(deps: ActorDeps, query: SearchOrganisationsQuery) {
  assertPermission(deps.actor, 'organisations', 'read');
  return searchOne(deps, ORGANISATIONS, query, organisationFilters(query));
}

export function searchPeople(deps: ActorDeps, query: SearchPeopleQuery) {
  assertPermission(deps.actor, 'people', 'read');
  return searchOne(deps, PEOPLE, query, peopleFilters(deps.db, deps.actor, query));
}

export function searchMandates(deps: ActorDeps, query: SearchMandatesQuery) {
  assertPermission(deps.actor, 'mandates', 'read');
  return searchOne(deps, MANDATES, query, mandateFilters(query));
}

export interface AutocompleteResponse {
  query: string;
  results: Record<AutocompleteType, Suggestion[]>;
  didYouMean?: string;
}

interface Ranked {
  type: AutocompleteType;
  score: number;
  suggestion: Suggestion;
}

function suggestionFrom(row: Row, match: 'text' | 'fuzzy'): Suggestion {
  const label = String(row.label);
  return {
    id: String(row.id),
    label,
    detail: text(row.detail),
    highlight: renderHighlight(match === 'text' ? (text(row.label_html) ?? label) : label) ?? '',
    match,
  };
}

/**
 * GET /search/autocomplete: names only (weight A), prefix from 2 characters, at most 10 suggestions over
 * all types (best first, then grouped); typo-tolerant when names match fewer than 3.
 */
export async function autocomplete(deps: ActorDeps, query: AutocompleteQuery): Promise<AutocompleteResponse> {
  const types = typesFor(deps.actor, AUTOCOMPLETE_TYPES, query.types);
  const response: AutocompleteResponse = {
    query: query.q,
    results: { organisations: [], people: [], mandates: [] },
  };
  const compiled = await compileQuery(deps.db, parseSearchQuery(query.q, { prefixMin: 2 }));
  if (!compiled) return response;
  const ref = currentReferenceTime();
  const found = await runStatements(
    deps.db,
    types.map((type) =>
      textStatement(deps.actor, SPECS[type], compiled, {
        on: 'names',
        filters: [],
        limit: AUTOCOMPLETE_LIMIT - 1,
        after: null,
        ref,
        count: false,
      }),
    ),
  );
  const ranked: Ranked[] = types.flatMap((type) =>
    (found.get(type) ?? [])
      .filter((row) => row.id !== null)
      .map((row) => ({ type, score: scoreOf(row), suggestion: suggestionFrom(row, 'text') })),
  );
  if (ranked.length < FALLBACK_BELOW && [...compiled.text].length >= FALLBACK_MIN_LENGTH) {
    const statements = types.flatMap((type) => {
      const statement = fuzzyStatement(deps.actor, SPECS[type], compiled, {
        filters: [],
        limit: AUTOCOMPLETE_LIMIT,
        exclude: ranked.filter((item) => item.type === type).map((item) => item.suggestion.id),
      });
      return statement ? [statement] : [];
    });
    const fuzzy = await runStatements(deps.db, statements);
    const rows: Row[] = [];
    for (const type of types) {
      for (const row of fuzzy.get(type) ?? []) {
        rows.push(row);
        // Below every full-text suggestion (those score at least 0; similarity is at most 1).
        ranked.push({ type, score: similarityOf(row) - 10, suggestion: suggestionFrom(row, 'fuzzy') });
      }
    }
    const exact = ranked.some((item) => item.suggestion.match === 'text' && item.score >= BOOST_EXACT_NAME);
    const suggestion = suggestionOf(rows.sort(byScore(similarityOf)));
    if (suggestion && !exact) response.didYouMean = suggestion.label;
  }
  ranked
    .sort(
      (a, b) =>
        b.score - a.score ||
        types.indexOf(a.type) - types.indexOf(b.type) ||
        (a.suggestion.id < b.suggestion.id ? -1 : 1),
    )
    .slice(0, AUTOCOMPLETE_LIMIT)
    .forEach((item) => {
      response.results[item.type].push(item.suggestion);
    });
  return response;
}
