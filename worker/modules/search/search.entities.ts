import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { interactions, mandates, organisations, people } from '../../db/schema';
import type { InteractionHit, MandateHit, OrganisationHit, PersonHit, SearchType } from './search.schemas';

/** A row of a search statement: the same columns for every type, so types share one UNION ALL. */
export type Row = Record<string, unknown>;

export interface BaseHit {
  id: string;
  score: number;
  match: 'text' | 'fuzzy';
  highlight: { name: string; snippet: string | null };
  ownerId: string;
  teamId: string | null;
  updatedAt: string;
}

/** What search needs to know about a searchable table. */
export interface EntitySpec<H = unknown> {
  type: SearchType;
  table: PgTable & { id: PgColumn; ownerId: PgColumn; teamId: PgColumn; updatedAt: PgColumn };
  /** What search may return at all: outside the bin (and not erased). */
  live: SQL;
  /** The display name, highlighted. */
  label: SQL;
  labelConfig: 'simple' | 'french';
  /**
   * The stored name key (`search_name`, migration 0006: lower case, unaccented, punctuation folded), with
   * trigram and btree indexes, when the type has a name to be exact on and typo-tolerant on.
   */
  nameKey?: SQL;
  /** The text nameKey derives from: what "did you mean" suggests. */
  nameText?: SQL;
  /** Other keys that, equal to the query's, earn the exact-name boost (computed on candidates only). */
  otherKeys: SQL[];
  /** Long free text for snippets. */
  snippet?: SQL;
  /** What "recent" means for the recency boost. */
  activity: PgColumn;
  /** Shown under an autocomplete suggestion. */
  detail: SQL;
  /** The type's own fields, as one JSON object. */
  fields: SQL;
  toHit(fields: Row, base: BaseHit): H;
}

export const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
export const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

export const ORGANISATIONS: EntitySpec<OrganisationHit> = {
  type: 'organisations',
  table: organisations,
  live: sql`${organisations.deletedAt} is null`,
  label: sql`${organisations.name}`,
  labelConfig: 'simple',
  nameKey: sql`${organisations}.search_name`,
  nameText: sql`${organisations.name}`,
  otherKeys: [sql`public.alforis_search_key(${organisations.legalName})`],
  snippet: sql`${organisations.notes}`,
  activity: organisations.updatedAt,
  detail: sql`${organisations.city}`,
  fields: sql`json_build_object('name', ${organisations.name}, 'legalName', ${organisations.legalName},
    'types', ${organisations.types}, 'category', ${organisations.category}, 'status', ${organisations.status},
    'pipelineStageId', ${organisations.pipelineStageId}, 'city', ${organisations.city},
    'country', ${organisations.country})`,
  toHit: (fields, base) => ({
    ...base,
    name: String(fields.name),
    legalName: text(fields.legalName),
    types: (fields.types as string[] | null) ?? [],
    category: text(fields.category),
    status: String(fields.status),
    pipelineStageId: text(fields.pipelineStageId),
    city: text(fields.city),
    country: text(fields.country),
  }),
};

const personName = sql`${people.firstName} || ' ' || ${people.lastName}`;
export const PEOPLE: EntitySpec<PersonHit> = {
  type: 'people',
  table: people,
  live: sql`${people.deletedAt} is null and ${people.erasedAt} is null`,
  label: personName,
  labelConfig: 'simple',
  nameKey: sql`${people}.search_name`,
  nameText: personName,
  otherKeys: [sql`public.alforis_search_key(${people.lastName} || ' ' || ${people.firstName})`],
  snippet: sql`${people.notes}`,
  activity: people.updatedAt,
  detail: sql`coalesce(${people.jobTitle}, ${people.workEmail}, ${people.city})`,
  fields: sql`json_build_object('firstName', ${people.firstName}, 'lastName', ${people.lastName},
    'jobTitle', ${people.jobTitle}, 'workEmail', ${people.workEmail}, 'city', ${people.city})`,
  toHit: (fields, base) => ({
    ...base,
    firstName: String(fields.firstName),
    lastName: String(fields.lastName),
    jobTitle: text(fields.jobTitle),
    workEmail: text(fields.workEmail),
    city: text(fields.city),
  }),
};

export const MANDATES: EntitySpec<MandateHit> = {
  type: 'mandates',
  table: mandates,
  live: sql`${mandates.deletedAt} is null`,
  label: sql`${mandates.number} || ' · ' || ${mandates.title}`,
  labelConfig: 'simple',
  nameKey: sql`${mandates}.search_name`,
  nameText: sql`${mandates.title}`,
  otherKeys: [sql`public.alforis_search_key(${mandates.number})`],
  snippet: sql`${mandates.feeNotes}`,
  activity: mandates.updatedAt,
  detail: sql`${mandates.status}`,
  fields: sql`json_build_object('number', ${mandates.number}, 'title', ${mandates.title}, 'type', ${mandates.type},
    'status', ${mandates.status}, 'organisationId', ${mandates.organisationId})`,
  toHit: (fields, base) => ({
    ...base,
    number: String(fields.number),
    title: String(fields.title),
    type: String(fields.type),
    status: String(fields.status),
    organisationId: String(fields.organisationId),
  }),
};

export const INTERACTIONS: EntitySpec<InteractionHit> = {
  type: 'interactions',
  table: interactions,
  live: sql`${interactions.deletedAt} is null`,
  label: sql`${interactions.subject}`,
  labelConfig: 'french',
  otherKeys: [sql`public.alforis_search_key(${interactions.subject})`],
  snippet: sql`${interactions.body}`,
  activity: interactions.occurredAt,
  detail: sql`${interactions.type}`,
  fields: sql`json_build_object('type', ${interactions.type}, 'subject', ${interactions.subject},
    'occurredAt', ${interactions.occurredAt}, 'organisationId', ${interactions.organisationId},
    'mandateId', ${interactions.mandateId})`,
  toHit: (fields, base) => ({
    ...base,
    type: String(fields.type) as InteractionHit['type'],
    subject: String(fields.subject),
    occurredAt: iso(fields.occurredAt),
    organisationId: text(fields.organisationId),
    mandateId: text(fields.mandateId),
  }),
};

export const SPECS: Record<SearchType, EntitySpec> = {
  organisations: ORGANISATIONS,
  people: PEOPLE,
  mandates: MANDATES,
  interactions: INTERACTIONS,
};
