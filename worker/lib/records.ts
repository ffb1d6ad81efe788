import { and, asc, desc, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client';
import { outboxEvents, timelineEvents } from '../db/schema';
import type { Actor } from '../modules/identity/actor';
import { noteChangedTags } from './cache';
import { tagsForChange } from './cache-tags';
import { AppError } from './errors';
import { decodeCursor, encodeCursor } from './pagination';

/** A database or an open transaction. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0] | Database;

// ---------------------------------------------------------------- ETags

/** Strong ETag from the row version: `"v3"`. */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * Optimistic concurrency: when the client sends If-Match, it must name the
 * current version, otherwise 412 and nothing is written.
 */
export function assertIfMatch(ifMatch: string | null | undefined, version: number): void {
  if (!ifMatch || ifMatch.trim() === '*') return;
  const accepted = ifMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (!accepted.includes(etagOf(version))) {
    throw new AppError('PRECONDITION_FAILED', {
      detail: `The record changed since you read it (current ETag ${etagOf(version)}); reload and retry`,
    });
  }
}

// ---------------------------------------------------------------- changes

/** Before/after of the fields that changed (dates compared by value). */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: readonly string[],
): Record<string, { before: unknown; after: unknown }> {
  const normalise = (value: unknown) => (value instanceof Date ? value.toISOString() : (value ?? null));
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const field of fields) {
    if (!(field in after)) continue;
    const previous = normalise(before[field]);
    const next = normalise(after[field]);
    if (JSON.stringify(previous) !== JSON.stringify(next)) changes[field] = { before: previous, after: next };
  }
  return changes;
}

export interface ChangeRecord {
  entityType: string;
  entityId: string;
  /** Timeline action: created, updated, deleted, restored, stage_changed, status_changed… */
  action: string;
  actor: Actor;
  ownerId: string | null;
  teamId: string | null;
  changes?: Record<string, { before: unknown; after: unknown }> | null;
  /** Domain events to publish (e.g. `organisation.created`), with their payloads. */
  events: { type: string; payload: Record<string, unknown> }[];
}

/**
 * Writes the timeline row and the outbox events of a change, in the caller's
 * transaction: no change without its events, no event without its change.
 * Returns the outbox event ids (stable ids that consumers deduplicate on).
 */
export async function recordChange(tx: Tx, change: ChangeRecord): Promise<string[]> {
  await tx.insert(timelineEvents).values({
    entityType: change.entityType,
    entityId: change.entityId,
    action: change.action,
    actorId: change.actor.userId,
    changes: change.changes ?? null,
  });
  if (change.events.length === 0) {
    noteChangedTags(tagsForChange(change));
    return [];
  }
  const rows = await tx
    .insert(outboxEvents)
    .values(
      change.events.map((event) => ({
        type: event.type,
        entityType: change.entityType,
        entityId: change.entityId,
        actorId: change.actor.userId,
        ownerId: change.ownerId,
        teamId: change.teamId,
        payload: event.payload,
      })),
    )
    .returning({ id: outboxEvents.id });
  const eventIds = rows.map((row) => row.id);
  // Bumped after the request's writes commit, so the writer reads their own write.
  noteChangedTags(tagsForChange(change), eventIds);
  return eventIds;
}

// ---------------------------------------------------------------- lists

export interface SortField {
  /** Public name in `?sort=`, e.g. `name` or `-updatedAt`. */
  key: string;
  column: PgColumn | SQL;
  /** How to read the sort value from a row, for the cursor. */
  read: (row: Record<string, unknown>) => string | number | null;
  /** Cast used when comparing the cursor value in SQL. */
  cast: 'text' | 'timestamptz' | 'numeric' | 'date';
}

export interface KeysetPage {
  orderBy: SQL[];
  where: SQL | undefined;
  encode(row: Record<string, unknown> & { id: string }): string;
}

/**
 * Keyset pagination over (sort value, id): stable under inserts and fast at
 * any depth, unlike OFFSET. Nulls sort last in both directions.
 */
export function keyset(
  sort: SortField,
  direction: 'asc' | 'desc',
  idColumn: PgColumn,
  cursor?: string,
): KeysetPage {
  const order = direction === 'asc' ? asc : desc;
  const orderBy = [sql`${sort.column} ${sql.raw(direction)} nulls last`, order(idColumn)];
  let where: SQL | undefined;
  if (cursor) {
    const [value, id] = decodeCursor(cursor, 2);
    const cmp = sql.raw(direction === 'asc' ? '>' : '<');
    const typed = sql`${value}::${sql.raw(sort.cast)}`;
    where =
      value === null
        ? and(sql`${sort.column} is null`, sql`${idColumn} ${cmp} ${String(id)}::uuid`)
        : sql`(${sort.column} ${cmp} ${typed} or (${sort.column} = ${typed} and ${idColumn} ${cmp} ${String(id)}::uuid) or ${sort.column} is null)`;
  }
  return {
    orderBy,
    where,
    encode: (row) => encodeCursor([sort.read(row), row.id]),
  };
}

/** Parses `?sort=name` / `?sort=-updatedAt` against the allowed fields. */
export function parseSort<T extends SortField>(
  value: string | undefined,
  fields: readonly T[],
  fallback: string,
): { field: T; direction: 'asc' | 'desc' } {
  const raw = value ?? fallback;
  const direction = raw.startsWith('-') ? 'desc' : 'asc';
  const key = raw.replace(/^-/, '');
  const field = fields.find((candidate) => candidate.key === key);
  if (!field) {
    throw new AppError('VALIDATION_FAILED', {
      detail: `Unknown sort field ${key}`,
      errors: [
        {
          path: 'sort',
          message: `Sort by one of ${fields.map((f) => f.key).join(', ')}`,
          code: 'invalid_sort',
        },
      ],
    });
  }
  return { field, direction };
}

export function pageFromRows<T extends Record<string, unknown> & { id: string }>(
  rows: T[],
  limit: number,
  page: KeysetPage,
) {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data[data.length - 1];
  return { data, nextCursor: hasMore && last ? page.encode(last) : null };
}
