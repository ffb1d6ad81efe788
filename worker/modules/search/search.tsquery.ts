import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { type Clause, type ParsedQuery, SAFE_TOKEN } from './search.query';

/**
 * Turns a parsed query into tsqueries, in Postgres (only it knows the French stems and stop words).
 * Every token goes to `to_tsquery` inside single quotes; tokens are checked against SAFE_TOKEN (no
 * quote, backslash or operator), so the text can never be a syntax error whatever the user typed.
 *
 * Each token matches either configuration: `alforis_simple` (names, not stemmed) or `alforis_french`
 * (free text, stemmed). Tokens that French drops as stop words ("de", "la", "l") are left out so that
 * "caisse de retraite" also finds notes — unless nothing else is left.
 */

export interface CompiledQuery {
  /** What rows must match: the clauses, prefix on the word being typed, minus exclusions. */
  match: string;
  /** The same without prefixes: whole-word matches rank higher. */
  exact: string;
  /** The positive clauses alone (no exclusions), with prefixes: matched against `search_names`. */
  names: string;
  /** What excluded clauses match (null: none), so the typo-tolerant fallback honours them too. */
  excluded: string | null;
  /** The positive tokens, for exact-name comparison and trigrams. */
  text: string;
}

type Variant = { prefix: boolean };

function literal(tokens: string[], prefix: boolean): string {
  for (const token of tokens) {
    if (!SAFE_TOKEN.test(token)) throw new Error(`unsafe search token ${JSON.stringify(token)}`);
  }
  return `'${tokens.join(' ')}'${prefix ? ':*' : ''}`;
}

const simple = (text: string) => sql`to_tsquery('public.alforis_simple', ${text})`;
const french = (text: string) => sql`to_tsquery('public.alforis_french', ${text})`;
/** Either configuration; once when both give the same lexemes (smaller queries, better row estimates). */
const either = (text: string) =>
  sql`(case when ${simple(text)} = ${french(text)} then ${simple(text)} else ${simple(text)} || ${french(text)} end)`;

/** One token in both configurations; with `droppable`, nothing when French ignores it. */
function tokenQuery(token: string, prefix: boolean, droppable: boolean): SQL {
  const text = literal([token], prefix);
  const both = either(text);
  const parts = token.split(/[.@_-]+/).filter(Boolean);
  // "2026-001", "bnp-paribas.fr": also their parts, in any order, as the documents index them.
  const split =
    parts.length > 1
      ? sql` || (${sql.join(
          parts.map((part, index) => {
            const partText = literal([part], prefix && index === parts.length - 1);
            return either(partText);
          }),
          sql` && `,
        )})`
      : sql``;
  const query = sql`(${both}${split})`;
  if (!droppable || parts.length > 1) return query;
  return sql`(case when numnode(${french(text)}) = 0 then ''::tsquery else ${query} end)`;
}

function clauseQuery(clause: Clause, variant: Variant, droppable: boolean): SQL {
  if (clause.kind === 'phrase') {
    return either(literal(clause.tokens, false));
  }
  const last = clause.tokens.length - 1;
  const words = clause.tokens.map((token, index) =>
    tokenQuery(token, variant.prefix && clause.prefix && index === last, droppable),
  );
  const all = sql`(${sql.join(words, sql` && `)})`;
  if (!clause.digits) return all;
  const digits = literal([clause.digits], variant.prefix && clause.prefix);
  return sql`(${all} || ${simple(digits)})`;
}

function positiveQuery(query: ParsedQuery, variant: Variant, droppable: boolean): SQL {
  if (query.groups.length === 0) return sql`''::tsquery`;
  return sql`(${sql.join(
    query.groups.map(
      (group) =>
        sql`(${sql.join(
          group.map((clause) => clauseQuery(clause, variant, droppable)),
          sql` || `,
        )})`,
    ),
    sql` && `,
  )})`;
}

/** Any excluded clause, as a positive query (negated into `match`, and applied to the fallback). */
function excludedQuery(query: ParsedQuery): SQL {
  if (query.excluded.length === 0) return sql`''::tsquery`;
  return sql`(${sql.join(
    query.excluded.map((clause) => clauseQuery(clause, { prefix: false }, true)),
    sql` || `,
  )})`;
}

/**
 * One round trip that returns the tsqueries as text; callers send them back as `$n::tsquery`
 * parameters, so the planner sees constants (and estimates their selectivity).
 * Returns null when nothing searchable is left (the caller answers "no results" without scanning).
 */
export async function compileQuery(db: Database, query: ParsedQuery): Promise<CompiledQuery | null> {
  if (query.groups.length === 0) return null;
  const search: Variant = { prefix: true };
  const exact: Variant = { prefix: false };
  const result = await db.execute<{
    match: string;
    exact: string;
    names: string;
    excluded: string | null;
    empty: boolean;
  }>(sql`
    select (case when numnode(chosen.excluded) = 0 then chosen.positive
                 else chosen.positive && !! chosen.excluded end)::text as match,
           case when numnode(chosen.excluded) = 0 then null else chosen.excluded::text end as excluded,
           chosen.exact::text as exact,
           chosen.positive::text as names,
           numnode(chosen.positive) = 0 as empty
    from (
      select case when numnode(v.dropped) > 0 then v.dropped else v.kept end as positive,
             case when numnode(v.dropped) > 0 then v.exact_dropped else v.exact_kept end as exact,
             v.excluded
      from (
        select ${positiveQuery(query, search, true)} as dropped,
               ${positiveQuery(query, search, false)} as kept,
               ${positiveQuery(query, exact, true)} as exact_dropped,
               ${positiveQuery(query, exact, false)} as exact_kept,
               ${excludedQuery(query)} as excluded
      ) v
    ) chosen`);
  const row = result.rows[0];
  if (!row || row.empty) return null;
  return { match: row.match, exact: row.exact, names: row.names, excluded: row.excluded, text: query.text };
}
