import { eq, inArray } from 'drizzle-orm';
import { mandates, organisations, people, teams, users } from '../../db/schema';
import { AppError, type FieldError } from '../../lib/errors';
import type { Tx } from '../../lib/records';
import type { Actor } from '../identity/actor';
import { canSeeRecord } from '../identity/scope';

export type LinkKind = 'organisation' | 'person' | 'mandate';

const LABELS: Record<LinkKind, string> = {
  organisation: 'No such organisation',
  person: 'No such person',
  mandate: 'No such mandate',
};

interface LinkedRow {
  id: string;
  ownerId: string;
  teamId: string | null;
  deletedAt: Date | null;
  organisationId?: string | null;
  erasedAt?: Date | null;
}

async function rowsOf(tx: Tx, kind: LinkKind, ids: string[]): Promise<LinkedRow[]> {
  switch (kind) {
    case 'organisation':
      return tx
        .select({
          id: organisations.id,
          ownerId: organisations.ownerId,
          teamId: organisations.teamId,
          deletedAt: organisations.deletedAt,
        })
        .from(organisations)
        .where(inArray(organisations.id, ids));
    case 'person':
      return tx
        .select({
          id: people.id,
          ownerId: people.ownerId,
          teamId: people.teamId,
          deletedAt: people.deletedAt,
          erasedAt: people.erasedAt,
        })
        .from(people)
        .where(inArray(people.id, ids));
    case 'mandate':
      return tx
        .select({
          id: mandates.id,
          ownerId: mandates.ownerId,
          teamId: mandates.teamId,
          deletedAt: mandates.deletedAt,
          organisationId: mandates.organisationId,
        })
        .from(mandates)
        .where(inArray(mandates.id, ids));
  }
}

/** A link to check: `path` is the field reported in errors (`organisationId`), or names it per id. */
export interface LinkCheck {
  path: string | ((id: string, index: number) => string);
  kind: LinkKind;
  ids: readonly string[];
}

/**
 * Loads linked records that exist, are not deleted (nor erased) and are in the
 * actor's scope. Anything else is reported as unknown, so a 422 never reveals
 * whether an out-of-scope record exists. Returns the rows found, by id.
 */
export async function visibleLinks(
  tx: Tx,
  actor: Actor,
  checks: LinkCheck[],
): Promise<{ rows: Map<string, LinkedRow>; errors: FieldError[] }> {
  const rows = new Map<string, LinkedRow>();
  const errors: FieldError[] = [];
  for (const check of checks) {
    if (check.ids.length === 0) continue;
    const found = await rowsOf(tx, check.kind, [...new Set(check.ids)]);
    const usable = new Map(
      found
        .filter((row) => !row.deletedAt && !row.erasedAt && canSeeRecord(actor, row))
        .map((row) => [row.id, row]),
    );
    check.ids.forEach((id, index) => {
      const row = usable.get(id);
      if (row) rows.set(id, row);
      else
        errors.push({
          path: typeof check.path === 'function' ? check.path(id, index) : check.path,
          message: LABELS[check.kind],
          code: 'unknown_reference',
        });
    });
  }
  return { rows, errors };
}

/** Users that exist (and, with `activeOnly`, are active); returns their ids and teams. */
export async function existingUsers(tx: Tx, ids: readonly string[], activeOnly: boolean) {
  if (ids.length === 0) return new Map<string, { id: string; teamId: string | null; active: boolean }>();
  const rows = await tx
    .select({ id: users.id, teamId: users.teamId, active: users.active })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.filter((row) => !activeOnly || row.active).map((row) => [row.id, row]));
}

export function throwIfErrors(errors: FieldError[], detail = 'Unknown references'): void {
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { detail, errors });
}

/** Errors for an owner that is not an active user or a team that does not exist. */
export async function ownerTeamErrors(
  tx: Tx,
  input: { ownerId?: string; teamId?: string | null },
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (input.ownerId && !(await existingUsers(tx, [input.ownerId], true)).has(input.ownerId)) {
    errors.push({ path: 'ownerId', message: 'No such active user', code: 'unknown_reference' });
  }
  if (input.teamId) {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, input.teamId));
    if (!team) errors.push({ path: 'teamId', message: 'No such team', code: 'unknown_reference' });
  }
  return errors;
}

/** `2026-03-31` in UTC: the default date of lifecycle events. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Whole-day bounds for date filters: `to=2026-03-31` includes that whole day. */
export function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
