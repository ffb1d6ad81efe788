import { eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { AppError } from '../../lib/errors';
import { type Actor, recordScope } from './actor';

export interface ScopedColumns {
  ownerId: PgColumn;
  teamId: PgColumn;
}

/**
 * The one filter every list, detail, search, export and notification query
 * goes through: own records for Users, the team's for Managers and Viewers,
 * everything for Admins. `undefined` means no restriction.
 */
export function scopeCondition(actor: Actor, columns: ScopedColumns): SQL | undefined {
  switch (recordScope(actor)) {
    case 'all':
      return undefined;
    case 'team':
      // No team: fall back to own records rather than seeing nothing or everything.
      return actor.teamId ? eq(columns.teamId, actor.teamId) : eq(columns.ownerId, actor.userId);
    case 'own':
      return eq(columns.ownerId, actor.userId);
  }
}

export function canSeeRecord(
  actor: Actor,
  record: { ownerId: string | null; teamId: string | null },
): boolean {
  switch (recordScope(actor)) {
    case 'all':
      return true;
    case 'team':
      return actor.teamId ? record.teamId === actor.teamId : record.ownerId === actor.userId;
    case 'own':
      return record.ownerId === actor.userId;
  }
}

/** Out-of-scope records answer 404, exactly like missing ones, so their existence does not leak. */
export function assertCanSee<T extends { ownerId: string | null; teamId: string | null }>(
  actor: Actor,
  record: T | undefined,
  what = 'Record',
): T {
  if (!record || !canSeeRecord(actor, record))
    throw new AppError('NOT_FOUND', { detail: `${what} not found` });
  return record;
}
