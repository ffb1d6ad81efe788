import {
  and,
  arrayContains,
  arrayOverlaps,
  eq,
  exists,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { affiliations, interactions, mandates, organisations, people } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import type { ActorDeps } from '../../lib/service-context';
import { isCurrentAffiliation } from '../affiliations/affiliations.current';
import { type Actor, assertPermission, hasPermission } from '../identity/actor';
import { scopeCondition } from '../identity/scope';
import { headlineAll, headlineSnippet, renderHighlight } from './search.highlight';
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
import { type CompiledQuery, compileQuery } from './search.tsquery';

/** Fewer full-text matches than this (for a type) and the typo-tolerant fallback fills in. */
export const FALLBACK_BELOW = 3;
/** The fallback needs this much text to compare: trigrams of one or two letters match anything. */
const FALLBACK_MIN_LENGTH = 3;
const AUTOCOMPLETE_LIMIT = 10;

// Score tiers (see docs/decisions/010-search.md). Everything below a tier adds up to less than 1,
// so a tier is never overturned by relevance, ownership or recency.
const WEIGHTS = `'{0.1, 0.2, 0.4, 1.0}'`; // D, C, B, A
const BOOST_EXACT_NAME = 4;
const BOOST_ALL_IN_NAMES = 2;
const BOOST_WHOLE_WORDS = 1;
const BOOST_OWN = 0.2;
const BOOST_TEAM = 0.1;
const BOOST_RECENT = 0.2;
/** Recency halves after this long since the last update (interactions: since they happened). */
const RECENCY_HALF_LIFE_SECONDS = 30 * 86_400;

type Row = Record<string, unknown>;

interface EntitySpec<H> {
  type: SearchType;
  table: PgTable & { id: PgColumn; ownerId: PgColumn; teamId: PgColumn };
  /** What search may return at all: outside the bin (and not erased). */
  live: SQL;
  /** The display name, highlighted. */
  label: SQL;
  labelConfig: 'simple' | 'french';
  /** Texts that, equal to the query (accents, case and punctuation aside), earn the exact-name boost. */
  exactKeys: SQL[];
  /** The indexed trigram key, when the type has a name to be typo-tolerant on. */
  trigramKey?: SQL;
  /** Long free text for snippets. */
  snippet?: SQL;
  activity: PgColumn;
  /** Shown under an autocomplete suggestion. */
  detail: SQL;
  columns: SQL;
  toHit(row: Row, base: BaseHit): H;
}

interface BaseHit {
  id: string;
  score: number;
  match: 'text' | 'fuzzy';
  highlight: { name: string; snippet: string | null };
  ownerId: string;
  teamId: string | null;
  updatedAt: string;
}

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

const ORGANISATIONS: EntitySpec<OrganisationHit> = {
  type: 'organisations',
  table: organisations,
  live: sql`${organisations.deletedAt} is null`,
  label: sql`${organisations.name}`,
  labelConfig: 'simple',
  exactKeys: [sql`${organisations.name}`, sql`${organisations.legalName}`],
  trigramKey: sql`public.alforis_search_key(${organisations.name})`,
  snippet: sql`${organisations.notes}`,
  activity: organisations.updatedAt,
  detail: sql`${organisations.city}`,
  columns: sql`${organisations.name} as name, ${organisations.legalName} as legal_name, ${organisations.types} as types,
    ${organisations.category} as category, ${organisations.status} as status,
    ${organisations.pipelineStageId} as pipeline_stage_id, ${organisations.city} as city,
    ${organisations.country} as country`,
  toHit: (row, base) => ({
    ...base,
    name: String(row.name),
    legalName: text(row.legal_name),
    types: (row.types as string[]) ?? [],
    category: text(row.category),
    status: String(row.status),
    pipelineStageId: text(row.pipeline_stage_id),
    city: text(row.city),
    country: text(row.country),
  }),
};

const personName = sql`${people.firstName} || ' ' || ${people.lastName}`;
const PEOPLE: EntitySpec<PersonHit> = {
  type: 'people',
  table: people,
  live: sql`${people.deletedAt} is null and ${people.erasedAt} is null`,
  label: personName,
  labelConfig: 'simple',
  exactKeys: [personName, sql`${people.lastName} || ' ' || ${people.firstName}`],
  // Exactly the indexed expression (people_name_trgm_idx).
  trigramKey: sql`public.alforis_search_key(${people.firstName} || ' ' || ${people.lastName})`,
  snippet: sql`${people.notes}`,
  activity: people.updatedAt,
  detail: sql`coalesce(${people.jobTitle}, ${people.workEmail}, ${people.city})`,
  columns: sql`${people.firstName} as first_name, ${people.lastName} as last_name, ${people.jobTitle} as job_title,
    ${people.workEmail} as work_email, ${people.city} as city`,
  toHit: (row, base) => ({
    ...base,
    firstName: String(row.first_name),
    lastName: String(row.last_name),
    jobTitle: text(row.job_title),
    workEmail: text(row.work_email),
    city: text(row.city),
  }),
};

const MANDATES: EntitySpec<MandateHit> = {
  type: 'mandates',
  table: mandates,
  live: sql`${mandates.deletedAt} is null`,
  label: sql`${mandates.number} || ' · ' || ${mandates.title}`,
  labelConfig: 'simple',
  exactKeys: [sql`${mandates.number}`, sql`${mandates.title}`],
  trigramKey: sql`public.alforis_search_key(${mandates.title})`,
  snippet: sql`${mandates.feeNotes}`,
  activity: mandates.updatedAt,
  detail: sql`${mandates.status}`,
  columns: sql`${mandates.number} as number, ${mandates.title} as title, ${mandates.type} as type,
    ${mandates.status} as status, ${mandates.organisationId} as organisation_id`,
  toHit: (row, base) => ({
    ...base,
    number: String(row.number),
    title: String(row.title),
    type: String(row.type),
    status: String(row.status),
    organisationId: String(row.organisation_id),
  }),
};

const INTERACTIONS: EntitySpec<InteractionHit> = {
  type: 'interactions',
  table: interactions,
  live: sql`${interactions.deletedAt} is null`,
  label: sql`${interactions.subject}`,
  labelConfig: 'french',
  exactKeys: [sql`${interactions.subject}`],
  snippet: sql`${interactions.body}`,
  activity: interactions.occurredAt,
  detail: sql`${interactions.type}`,
  columns: sql`${interactions.type} as type, ${interactions.subject} as subject,
    ${interactions.occurredAt} as occurred_at, ${interactions.organisationId} as organisation_id,
    ${interactions.mandateId} as mandate_id`,
  toHit: (row, base) => ({
    ...base,
    type: String(row.type) as InteractionHit['type'],
    subject: String(row.subject),
    occurredAt: iso(row.occurred_at),
    organisationId: text(row.organisation_id),
    mandateId: text(row.mandate_id),
  }),
};

const SPECS = {
  organisations: ORGANISATIONS,
  people: PEOPLE,
  mandates: MANDATES,
  interactions: INTERACTIONS,
} as const;

// ---------------------------------------------------------------- cursors

interface Position {
  score: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCORE = /^-?\d{1,6}(\.\d{1,6})?$/;

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

// ---------------------------------------------------------------- queries

function ownership(actor: Actor, table: { ownerId: PgColumn; teamId: PgColumn }): SQL {
  return actor.teamId
    ? sql`case when ${table.ownerId} = ${actor.userId} then ${BOOST_OWN}::float8 when ${table.teamId} = ${actor.teamId} then ${BOOST_TEAM}::float8 else 0 end`
    : sql`case when ${table.ownerId} = ${actor.userId} then ${BOOST_OWN}::float8 else 0 end`;
}

interface TextOptions {
  /** names: only weight-A lexemes may match (autocomplete). */
  on: 'all' | 'names';
  filters: (SQL | undefined)[];
  limit: number;
  after: Position | null;
  ref: string;
  count: boolean;
}

interface TextResult {
  rows: Row[];
  total: number;
}

async function textSearch<H>(
  deps: ActorDeps,
  spec: EntitySpec<H>,
  compiled: CompiledQuery,
  options: TextOptions,
): Promise<TextResult> {
  const { table } = spec;
  const vector = sql`${table}.search_vector`;
  const match = options.on === 'names' ? compiled.names : compiled.match;
  const key = sql`public.alforis_search_key(${compiled.text})`;
  const score = sql`round((
      0.5 * ts_rank_cd(${sql.raw(WEIGHTS)}, ${vector}, ${match}::tsquery, 32)
      + case when ${vector} @@ ${compiled.names}::tsquery then ${BOOST_ALL_IN_NAMES} else 0 end
      + case when ${vector} @@ ${compiled.exact}::tsquery then ${BOOST_WHOLE_WORDS} else 0 end
      + case when ${key} in (${sql.join(
        spec.exactKeys.map((expression) => sql`public.alforis_search_key(${expression})`),
        sql`, `,
      )}) then ${BOOST_EXACT_NAME} else 0 end
      + ${ownership(deps.actor, table)}
      + ${BOOST_RECENT}::float8 / (1 + greatest(0, extract(epoch from (${options.ref}::timestamptz - ${spec.activity}))) / ${RECENCY_HALF_LIFE_SECONDS}::float8)
    )::numeric, 6)`;
  const after = options.after
    ? sql`where matches.score < ${options.after.score}::numeric
            or (matches.score = ${options.after.score}::numeric and matches.id > ${options.after.id}::uuid)`
    : sql``;
  const snippet = spec.snippet ? headlineSnippet(spec.snippet, compiled.match) : sql`null`;
  const result = await deps.db.execute<Row>(sql`
    with matches as (
      select ${table.id} as id, ${score} as score
      from ${table}
      where ${vector} @@ ${match}::tsquery and ${spec.live}
        and ${and(scopeCondition(deps.actor, table), ...options.filters) ?? sql`true`}
    ),
    page as (
      select matches.id, matches.score from matches ${after}
      order by matches.score desc, matches.id limit ${options.limit + 1}
    )
    select ${options.count ? sql`(select count(*) from matches)::int` : sql`0`} as total,
      page.id, page.score::text as score, ${table.ownerId} as owner_id, ${table.teamId} as team_id,
      ${sql`${table}.updated_at`} as updated_at, ${spec.columns},
      ${headlineAll(spec.labelConfig, spec.label, compiled.match)} as label_html,
      ${snippet} as snippet_html, ${spec.detail} as detail, ${spec.label} as label
    from (select 1) as one
    left join page on true
    left join ${table} on ${table.id} = page.id
    order by page.score desc nulls last, page.id`);
  const total = Number(result.rows[0]?.total ?? 0);
  return { rows: result.rows.filter((row) => row.id !== null), total };
}

interface FuzzyRow extends Row {
  label_key: string;
  query_key: string;
  similarity: string;
}

/** Trigram matches on names: typos ("Alforys") and near spellings, best first. */
async function fuzzySearch<H>(
  deps: ActorDeps,
  spec: EntitySpec<H>,
  compiled: CompiledQuery,
  options: { filters: (SQL | undefined)[]; limit: number; exclude: string[] },
): Promise<FuzzyRow[]> {
  if (!spec.trigramKey || options.limit <= 0) return [];
  const { table } = spec;
  const key = sql`public.alforis_search_key(${compiled.text})`;
  const similarity = sql`greatest(similarity(${spec.trigramKey}, ${key}), word_similarity(${key}, ${spec.trigramKey}))`;
  const exclude =
    options.exclude.length > 0
      ? sql`and ${table.id} not in (${sql.join(
          options.exclude.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql``;
  const excluded = compiled.excluded
    ? sql`and not coalesce(${sql`${table}.search_vector`} @@ ${compiled.excluded}::tsquery, false)`
    : sql``;
  const result = await deps.db.execute<FuzzyRow>(sql`
    select ${table.id} as id, round(${similarity}::numeric, 6)::text as similarity,
      ${table.ownerId} as owner_id, ${table.teamId} as team_id, ${sql`${table}.updated_at`} as updated_at,
      ${spec.columns}, ${spec.detail} as detail, ${spec.label} as label,
      public.alforis_search_key(${spec.label}) as label_key, ${key} as query_key
    from ${table}
    where (${spec.trigramKey} % ${key} or ${spec.trigramKey} %> ${key}) and ${spec.live}
      and ${and(scopeCondition(deps.actor, table), ...options.filters) ?? sql`true`} ${exclude} ${excluded}
    order by ${similarity} desc, ${table.id}
    limit ${options.limit}`);
  return result.rows;
}

function textHit<H>(spec: EntitySpec<H>, row: Row): H {
  return spec.toHit(row, {
    id: String(row.id),
    score: Number(row.score),
    match: 'text',
    highlight: {
      name: renderHighlight(text(row.label_html) ?? text(row.label) ?? '') ?? '',
      snippet: renderHighlight(text(row.snippet_html), { requireMatch: true }),
    },
    ownerId: String(row.owner_id),
    teamId: text(row.team_id),
    updatedAt: iso(row.updated_at),
  });
}

function fuzzyHit<H>(spec: EntitySpec<H>, row: FuzzyRow): H {
  return spec.toHit(row, {
    id: String(row.id),
    score: Number(row.similarity),
    match: 'fuzzy',
    highlight: { name: renderHighlight(text(row.label) ?? '') ?? '', snippet: null },
    ownerId: String(row.owner_id),
    teamId: text(row.team_id),
    updatedAt: iso(row.updated_at),
  });
}

interface EntityResult<H> {
  hits: H[];
  count: number;
  next: Position | null;
  /** The best fuzzy match's name and similarity, for "did you mean". */
  suggestion: { label: string; similarity: number } | null;
  exactNameHit: boolean;
}

/**
 * One type: a page of full-text hits and their total; on a first page with few hits, typo-tolerant
 * hits after them (they count too) and the best of those as a suggestion.
 */
async function searchType<H>(
  deps: ActorDeps,
  spec: EntitySpec<H>,
  compiled: CompiledQuery,
  options: { filters: (SQL | undefined)[]; limit: number; after: Position | null; ref: string },
): Promise<EntityResult<H>> {
  const found = await textSearch(deps, spec, compiled, { ...options, on: 'all', count: true });
  const more = found.rows.length > options.limit;
  const rows = more ? found.rows.slice(0, options.limit) : found.rows;
  const hits = rows.map((row) => textHit(spec, row));
  const last = rows[rows.length - 1];
  const next = more && last ? { score: String(last.score), id: String(last.id) } : null;
  const exactNameHit = rows.some((row) => Number(row.score) >= BOOST_EXACT_NAME);
  let count = found.total;
  let suggestion: EntityResult<H>['suggestion'] = null;
  const firstPage = options.after === null;
  if (firstPage && found.total < FALLBACK_BELOW && [...compiled.text].length >= FALLBACK_MIN_LENGTH) {
    const fuzzy = await fuzzySearch(deps, spec, compiled, {
      filters: options.filters,
      limit: more ? 0 : options.limit - hits.length,
      exclude: rows.map((row) => String(row.id)),
    });
    hits.push(...fuzzy.map((row) => fuzzyHit(spec, row)));
    count += fuzzy.length;
    const best = fuzzy.find((row) => row.label_key !== row.query_key);
    if (best) suggestion = { label: String(best.label), similarity: Number(best.similarity) };
  }
  return { hits, count, next, suggestion, exactNameHit };
}

function bestSuggestion(results: EntityResult<unknown>[]): string | undefined {
  if (results.some((result) => result.exactNameHit)) return undefined;
  let best: { label: string; similarity: number } | null = null;
  for (const result of results) {
    if (result.suggestion && (!best || result.suggestion.similarity > best.similarity))
      best = result.suggestion;
  }
  return best?.label;
}

// ---------------------------------------------------------------- filters

const since = (column: PgColumn, value: string | undefined) =>
  value ? gte(column, new Date(value)) : undefined;
/** A date-only upper bound includes that whole day. */
function until(column: PgColumn, value: string | undefined) {
  if (!value) return undefined;
  if (value.length === 10) {
    const next = new Date(`${value}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    return lt(column, next);
  }
  return lte(column, new Date(value));
}

function commonFilters(
  table: { ownerId: PgColumn; teamId: PgColumn; createdAt: PgColumn; updatedAt: PgColumn },
  query: {
    ownerId?: string;
    teamId?: string;
    createdFrom?: string;
    createdTo?: string;
    updatedFrom?: string;
    updatedTo?: string;
  },
): (SQL | undefined)[] {
  return [
    query.ownerId ? eq(table.ownerId, query.ownerId) : undefined,
    query.teamId ? eq(table.teamId, query.teamId) : undefined,
    since(table.createdAt, query.createdFrom),
    until(table.createdAt, query.createdTo),
    since(table.updatedAt, query.updatedFrom),
    until(table.updatedAt, query.updatedTo),
  ];
}

function organisationFilters(query: SearchOrganisationsQuery): (SQL | undefined)[] {
  return [
    ...commonFilters(organisations, query),
    query.type ? arrayOverlaps(organisations.types, query.type) : undefined,
    query.category ? inArray(organisations.category, query.category) : undefined,
    query.status ? inArray(organisations.status, query.status) : undefined,
    query.stageId ? eq(organisations.pipelineStageId, query.stageId) : undefined,
    query.city ? eq(sql`lower(${organisations.city})`, query.city.toLowerCase()) : undefined,
    query.country ? eq(organisations.country, query.country) : undefined,
    query.tags ? arrayContains(organisations.tags, query.tags) : undefined,
  ];
}

function peopleFilters(deps: ActorDeps, query: SearchPeopleQuery): (SQL | undefined)[] {
  return [
    ...commonFilters(people, query),
    query.city ? eq(sql`lower(${people.city})`, query.city.toLowerCase()) : undefined,
    query.tags ? arrayContains(people.tags, query.tags) : undefined,
    query.language ? inArray(people.language, query.language) : undefined,
    query.consentStatus ? inArray(people.consentStatus, query.consentStatus) : undefined,
    query.organisationId
      ? // An organisation outside the caller's scope filters everything out, as an unknown id would.
        exists(
          deps.db
            .select({ one: sql`1` })
            .from(affiliations)
            .innerJoin(organisations, eq(organisations.id, affiliations.organisationId))
            .where(
              and(
                eq(affiliations.personId, people.id),
                eq(affiliations.organisationId, query.organisationId),
                isNull(affiliations.deletedAt),
                isCurrentAffiliation(),
                isNull(organisations.deletedAt),
                scopeCondition(deps.actor, organisations),
              ),
            ),
        )
      : undefined,
  ];
}

function mandateFilters(query: SearchMandatesQuery): (SQL | undefined)[] {
  return [
    ...commonFilters(mandates, query),
    query.type ? inArray(mandates.type, query.type) : undefined,
    query.status ? inArray(mandates.status, query.status) : undefined,
    query.organisationId ? eq(mandates.organisationId, query.organisationId) : undefined,
    query.signedFrom ? gte(mandates.signedAt, query.signedFrom) : undefined,
    query.signedTo ? lte(mandates.signedAt, query.signedTo) : undefined,
  ];
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
  let ref = new Date().toISOString();
  let positions: Partial<Record<SearchType, Position | null>> | null = null;
  if (query.cursor) {
    const values = decodeCursor(query.cursor, 1 + SEARCH_TYPES.length * 2);
    ref = referenceTime(values[0]);
    positions = {};
    SEARCH_TYPES.forEach((type, index) => {
      (positions as Record<SearchType, Position | null>)[type] = positionOf(
        values[1 + index * 2] ?? null,
        values[2 + index * 2] ?? null,
      );
    });
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
  const results = await Promise.all(
    active.map((type) =>
      searchType(deps, SPECS[type] as EntitySpec<unknown>, compiled, {
        filters: [],
        limit: query.limit,
        after: positions?.[type] ?? null,
        ref,
      }),
    ),
  );
  const next: (string | number | null)[] = [ref];
  let hasMore = false;
  for (const type of SEARCH_TYPES) {
    const index = active.indexOf(type);
    const result = index === -1 ? undefined : results[index];
    if (result) {
      (response.results[type] as unknown[]) = result.hits;
      response.counts[type] = result.count;
    }
    next.push(result?.next?.score ?? null, result?.next?.id ?? null);
    if (result?.next) hasMore = true;
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
  let ref = new Date().toISOString();
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
  const result = await searchType(deps, spec, compiled, { filters, limit: query.limit, after, ref });
  page.data = result.hits;
  page.count = result.count;
  if (result.next) page.nextCursor = encodeCursor([ref, result.next.score, result.next.id]);
  const didYouMean = bestSuggestion([result as EntityResult<unknown>]);
  if (didYouMean) page.didYouMean = didYouMean;
  return page;
}

export function searchOrganisations(deps: ActorDeps, query: SearchOrganisationsQuery) {
  assertPermission(deps.actor, 'organisations', 'read');
  return searchOne(deps, ORGANISATIONS, query, organisationFilters(query));
}

export function searchPeople(deps: ActorDeps, query: SearchPeopleQuery) {
  assertPermission(deps.actor, 'people', 'read');
  return searchOne(deps, PEOPLE, query, peopleFilters(deps, query));
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

/**
 * GET /search/autocomplete: names only (weight A), prefix from 2 characters, at most 10 suggestions
 * over all types (best first, then grouped); typo-tolerant when names match fewer than 3.
 */
export async function autocomplete(deps: ActorDeps, query: AutocompleteQuery): Promise<AutocompleteResponse> {
  const types = typesFor(deps.actor, AUTOCOMPLETE_TYPES, query.types);
  const response: AutocompleteResponse = {
    query: query.q,
    results: { organisations: [], people: [], mandates: [] },
  };
  const compiled = await compileQuery(deps.db, parseSearchQuery(query.q, { prefixMin: 2 }));
  if (!compiled) return response;
  const ref = new Date().toISOString();
  const found = await Promise.all(
    types.map((type) =>
      textSearch(deps, SPECS[type] as EntitySpec<unknown>, compiled, {
        on: 'names',
        filters: [],
        limit: AUTOCOMPLETE_LIMIT - 1,
        after: null,
        ref,
        count: false,
      }),
    ),
  );
  type Ranked = { type: AutocompleteType; score: number; suggestion: Suggestion };
  const ranked: Ranked[] = found.flatMap((result, index) =>
    result.rows.map((row) => ({
      type: types[index] as AutocompleteType,
      score: Number(row.score),
      suggestion: {
        id: String(row.id),
        label: String(row.label),
        detail: text(row.detail),
        highlight: renderHighlight(text(row.label_html) ?? String(row.label)) ?? '',
        match: 'text' as const,
      },
    })),
  );
  if (ranked.length < FALLBACK_BELOW && [...compiled.text].length >= FALLBACK_MIN_LENGTH) {
    const fuzzy = await Promise.all(
      types.map((type) =>
        fuzzySearch(deps, SPECS[type] as EntitySpec<unknown>, compiled, {
          filters: [],
          limit: AUTOCOMPLETE_LIMIT,
          exclude: ranked.filter((item) => item.type === type).map((item) => item.suggestion.id),
        }),
      ),
    );
    let best: { label: string; similarity: number } | null = null;
    fuzzy.forEach((rows, index) => {
      for (const row of rows) {
        // Below every full-text suggestion: similarity is at most 1, text scores start higher in practice,
        // and a negative offset makes it certain.
        ranked.push({
          type: types[index] as AutocompleteType,
          score: Number(row.similarity) - 10,
          suggestion: {
            id: String(row.id),
            label: String(row.label),
            detail: text(row.detail),
            highlight: renderHighlight(String(row.label)) ?? '',
            match: 'fuzzy',
          },
        });
        const similarity = Number(row.similarity);
        if (row.label_key !== row.query_key && (!best || similarity > best.similarity)) {
          best = { label: String(row.label), similarity };
        }
      }
    });
    const exact = found.some((result) => result.rows.some((row) => Number(row.score) >= BOOST_EXACT_NAME));
    if (best && !exact) response.didYouMean = (best as { label: string }).label;
  }
  ranked
    .sort(
      (a, b) =>
        b.score - a.score ||
        types.indexOf(a.type) - types.indexOf(b.type) ||
        a.suggestion.id.localeCompare(b.suggestion.id),
    )
    .slice(0, AUTOCOMPLETE_LIMIT)
    .forEach((item) => {
      response.results[item.type].push(item.suggestion);
    });
  return response;
}
