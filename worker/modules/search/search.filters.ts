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
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client';
import { affiliations, mandates, organisations, people } from '../../db/schema';
import { isCurrentAffiliation } from '../affiliations/affiliations.current';
import type { Actor } from '../identity/actor';
import { scopeCondition } from '../identity/scope';
import type { SearchMandatesQuery, SearchOrganisationsQuery, SearchPeopleQuery } from './search.schemas';

/** The per-type search filters, as in the lists of each module. */

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

export function organisationFilters(query: SearchOrganisationsQuery): (SQL | undefined)[] {
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

export function peopleFilters(db: Database, actor: Actor, query: SearchPeopleQuery): (SQL | undefined)[] {
  return [
    ...commonFilters(people, query),
    query.city ? eq(sql`lower(${people.city})`, query.city.toLowerCase()) : undefined,
    query.tags ? arrayContains(people.tags, query.tags) : undefined,
    query.language ? inArray(people.language, query.language) : undefined,
    query.consentStatus ? inArray(people.consentStatus, query.consentStatus) : undefined,
    query.organisationId
      ? // An organisation outside the caller's scope filters everything out, as an unknown id would.
        exists(
          db
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
                scopeCondition(actor, organisations),
              ),
            ),
        )
      : undefined,
  ];
}

export function mandateFilters(query: SearchMandatesQuery): (SQL | undefined)[] {
  return [
    ...commonFilters(mandates, query),
    query.type ? inArray(mandates.type, query.type) : undefined,
    query.status ? inArray(mandates.status, query.status) : undefined,
    query.organisationId ? eq(mandates.organisationId, query.organisationId) : undefined,
    query.signedFrom ? gte(mandates.signedAt, query.signedFrom) : undefined,
    query.signedTo ? lte(mandates.signedAt, query.signedTo) : undefined,
  ];
}
