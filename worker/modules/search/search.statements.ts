import { and, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client';
import type { Actor } from '../identity/actor';
import { scopeCondition } from '../identity/scope';
import type { EntitySpec, Row } from './search.entities';
import { headlineAll, headlineSnippet } from './search.highlight';
import type { CompiledQuery } from './search.tsquery';

// Score tiers (docs/decisions/010-search.md). Everything below a tier adds up to less than 1, so a tier
// is never overturned by relevance, ownership or recency.
const WEIGHTS = `'{0.1, 0.2, 0.4, 1.0}'`; // D, C, B, A
export const BOOST_EXACT_NAME = 4;
const BOOST_ALL_IN_NAMES = 2;
const BOOST_WHOLE_WORDS = 1;
const BOOST_OWN = 0.2;
const BOOST_TEAM = 0.1;
const BOOST_RECENT = 0.2;
/** Recency halves after this long since the last update (interactions: since they happened). */
const RECENCY_HALF_LIFE_SECONDS = 30 * 86_400;

/**
 * Ranking reads every candidate row, so a common word would cost one row visit per match: only the first
 * CANDIDATES matches compete, plus NAME_CANDIDATES matches in names and every exact name (btree), so the
 * best hits are among them even when thousands of rows match.
 */
const CANDIDATES = 200;
const NAME_CANDIDATES = 100;
/** Autocomplete ranks fewer: it shows 10 names over all types. */
const SUGGESTION_CANDIDATES = 50;
/** Counts stop here: "1000" reads "1000 or more". */
export const COUNT_CAP = 1000;

export interface Position {
  score: string;
  id: string;
}

export interface TextOptions {
  /** names: only names may match (autocomplete), through `search_names`. */
  on: 'all' | 'names';
  filters: (SQL | undefined)[];
  limit: number;
  after: Position | null;
  /** The reference time of the recency boost. */
  ref: string;
  count: boolean;
}

function ownership(actor: Actor, table: { ownerId: PgColumn; teamId: PgColumn }): SQL {
  return actor.teamId
    ? sql`case when ${table.ownerId} = ${actor.userId} then ${BOOST_OWN}::float8 when ${table.teamId} = ${actor.teamId} then ${BOOST_TEAM}::float8 else 0 end`
    : sql`case when ${table.ownerId} = ${actor.userId} then ${BOOST_OWN}::float8 else 0 end`;
}

/**
 * Live, in the caller's scope and through the filters. Scope and filters are wrapped in `IS TRUE` (same
 * meaning) so the planner checks them on the rows the GIN index found, instead of AND-ing a bitmap of
 * every row the caller owns (measured: 15 ms of the 19 ms of an autocomplete for a User with 90k people).
 */
function visibleTo(actor: Actor, spec: EntitySpec, filters: (SQL | undefined)[]): SQL {
  const scoped = and(scopeCondition(actor, spec.table), ...filters);
  return scoped ? sql`${spec.live} and (${scoped}) is true` : spec.live;
}

/**
 * One type's page of full-text hits, best first, as rows of the shared shape; the first row carries the
 * (capped) count, and a single row with a null id means no hit on this page.
 */
export function textStatement(
  actor: Actor,
  spec: EntitySpec,
  compiled: CompiledQuery,
  options: TextOptions,
): SQL {
  const { table } = spec;
  const vector = sql`${table}.search_vector`;
  const names = sql`${table}.search_names`;
  const matched =
    options.on === 'names'
      ? sql`${names} @@ ${compiled.match}::tsquery`
      : sql`${vector} @@ ${compiled.match}::tsquery`;
  const key = sql`public.alforis_search_key(${compiled.text})`;
  const keys = [...(spec.nameKey ? [spec.nameKey] : []), ...spec.otherKeys];
  const score = sql`round((
      0.5 * ts_rank_cd(${sql.raw(WEIGHTS)}, ${vector}, ${compiled.match}::tsquery, 32)
      + case when ${names} @@ ${compiled.names}::tsquery then ${BOOST_ALL_IN_NAMES} else 0 end
      + case when ${vector} @@ ${compiled.exact}::tsquery then ${BOOST_WHOLE_WORDS} else 0 end
      + case when ${key} in (${sql.join(keys, sql`, `)}) then ${BOOST_EXACT_NAME} else 0 end
      + ${ownership(actor, table)}
      + ${BOOST_RECENT}::float8 / (1 + greatest(0, extract(epoch from (${options.ref}::timestamptz - ${spec.activity}))) / ${RECENCY_HALF_LIFE_SECONDS}::float8)
    )::numeric, 6)`;
  const visible = visibleTo(actor, spec, options.filters);
  // The matching rows are CTEs planned for full retrieval but read lazily: the limits below stop the
  // heap scan, yet cannot talk the planner into a sequential scan "that stops early" when it wrongly
  // expects matches to be dense (seen: 860 ms for a prefix matching 9 of 500k interactions). The count
  // and the candidates read the same rows, so the index is scanned once for both.
  const inNames =
    options.on === 'all' ? sql`union (select id from name_rows limit ${NAME_CANDIDATES})` : sql``;
  const nameRows =
    options.on === 'all'
      ? sql`name_rows as materialized (
            select ${table.id} as id from ${table}
            where ${names} @@ ${compiled.names}::tsquery and ${matched} and ${visible}
          ),`
      : sql``;
  // Autocomplete keeps the planner's LIMIT plan: its short prefixes ("pa") are dense in names, where a
  // scan that stops at the first matches beats reading the whole posting list (measured 4-8x).
  const materialized = options.on === 'all' ? sql.raw('materialized') : sql.raw('not materialized');
  const exactNames = spec.nameKey
    ? sql`union (select ${table.id} from ${table}
          where ${spec.nameKey} = ${key} and ${matched} and ${visible})`
    : sql``;
  const counted = options.count
    ? sql`(select least(count(*), ${COUNT_CAP})::int from (
            select 1 from matched_rows limit ${COUNT_CAP + 1}
          ) as capped)`
    : sql`0`;
  const after = options.after
    ? sql`where matches.score < ${options.after.score}::numeric
            or (matches.score = ${options.after.score}::numeric and matches.id > ${options.after.id}::uuid)`
    : sql``;
  const snippet = spec.snippet ? headlineSnippet(spec.snippet, compiled.match) : sql`null::text`;
  return sql`
    with matched_rows as ${materialized} (
      select ${table.id} as id from ${table} where ${matched} and ${visible}
    ),
    ${nameRows}
    candidates as (
      (select id from matched_rows limit ${options.on === 'all' ? CANDIDATES : SUGGESTION_CANDIDATES})
      ${inNames}
      ${exactNames}
    ),
    matches as (
      select ${table.id} as id, ${score} as score
      from candidates join ${table} on ${table.id} = candidates.id
    ),
    page as (
      select matches.id, matches.score from matches ${after}
      order by matches.score desc, matches.id limit ${options.limit + 1}
    )
    select ${spec.type}::text as type, ${counted} as total, page.id, page.score::text as score,
      ${table.ownerId} as owner_id, ${table.teamId} as team_id, ${table.updatedAt} as updated_at,
      ${headlineAll(spec.labelConfig, spec.label, compiled.match)} as label_html, ${snippet} as snippet_html,
      (${spec.detail})::text as detail, ${spec.label} as label, ${spec.fields} as fields
    from (select 1) as one
    left join page on true
    left join ${table} on ${table.id} = page.id`;
}

/** Trigram matches on the name key, best first: typos ("Alforys") and near spellings. */
export function fuzzyStatement(
  actor: Actor,
  spec: EntitySpec,
  compiled: CompiledQuery,
  options: { filters: (SQL | undefined)[]; limit: number; exclude: string[] },
): SQL | null {
  if (!spec.nameKey || options.limit <= 0) return null;
  const { table } = spec;
  const key = sql`public.alforis_search_key(${compiled.text})`;
  const similarity = sql`greatest(similarity(${spec.nameKey}, ${key}), word_similarity(${key}, ${spec.nameKey}))`;
  const exclude =
    options.exclude.length > 0
      ? sql`and ${table.id} not in (${sql.join(
          options.exclude.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`
      : sql``;
  const excluded = compiled.excluded
    ? sql`and not coalesce(${table}.search_vector @@ ${compiled.excluded}::tsquery, false)`
    : sql``;
  return sql`
    select ${spec.type}::text as type, ${table.id} as id, round(${similarity}::numeric, 6)::text as similarity,
      ${table.ownerId} as owner_id, ${table.teamId} as team_id, ${table.updatedAt} as updated_at,
      (${spec.detail})::text as detail, ${spec.label} as label, ${spec.nameText ?? spec.label} as name_text,
      ${spec.nameKey} as label_key, ${key} as query_key, ${spec.fields} as fields
    from ${table}
    where (${spec.nameKey} % ${key} or ${spec.nameKey} %> ${key})
      and ${visibleTo(actor, spec, options.filters)} ${exclude} ${excluded}
    order by ${similarity} desc, ${table.id}
    limit ${options.limit}`;
}

/**
 * Runs the statements of several types as one UNION ALL: one round trip and one connection, however many
 * types are searched. Returns the rows per type (in no particular order: callers sort).
 */
export async function runStatements(db: Database, statements: SQL[]): Promise<Map<string, Row[]>> {
  const byType = new Map<string, Row[]>();
  if (statements.length === 0) return byType;
  const result = await db.execute<Row>(
    sql.join(
      statements.map((statement) => sql`(${statement})`),
      sql` union all `,
    ),
  );
  for (const row of result.rows) {
    const type = String(row.type);
    const rows = byType.get(type) ?? [];
    rows.push(row);
    byType.set(type, rows);
  }
  return byType;
}

/** Best first, ties by id: the order of the statements' own ORDER BY. */
export function byScore(scoreOf: (row: Row) => number) {
  return (a: Row, b: Row) => scoreOf(b) - scoreOf(a) || (String(a.id) < String(b.id) ? -1 : 1);
}
