import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { emailListMembers, emailSegments, people } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { decodeCursor, pageOf } from '../../lib/pagination';
import { assertIfMatch, recordChange } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { assertPermission } from '../identity/actor';
import { scopeCondition } from '../identity/scope';
import { audienceScope, countAudience, type SegmentFilters } from './email.audience';
import type {
  createSegmentSchema,
  listMembersInput,
  listQuery,
  segmentFilters,
  updateSegmentSchema,
} from './email.schemas';

type SegmentRow = typeof emailSegments.$inferSelect;

function toSegment(row: SegmentRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind as 'dynamic' | 'static',
    filters: row.filters as SegmentFilters,
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function loadSegmentRow(deps: ActorDeps, id: string): Promise<SegmentRow> {
  const [row] = await deps.db
    .select()
    .from(emailSegments)
    .where(and(eq(emailSegments.id, id), isNull(emailSegments.deletedAt)));
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Segment not found' });
  return row;
}

export async function listSegments(deps: ActorDeps, query: z.infer<typeof listQuery>) {
  assertPermission(deps.actor, 'emails', 'read');
  const [cursorUpdated, cursorId] = query.cursor ? decodeCursor(query.cursor, 2) : [null, null];
  const rows = await deps.db
    .select()
    .from(emailSegments)
    .where(
      and(
        isNull(emailSegments.deletedAt),
        query.q ? sql`${emailSegments.name} ilike ${`%${query.q.replace(/[%_\\]/g, '\\$&')}%`}` : undefined,
        cursorUpdated && cursorId
          ? sql`(${emailSegments.updatedAt}, ${emailSegments.id}) < (${String(cursorUpdated)}::timestamptz, ${String(cursorId)}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(emailSegments.updatedAt), desc(emailSegments.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.updatedAt.toISOString(), row.id]);
  return { data: page.data.map(toSegment), nextCursor: page.nextCursor };
}

export async function getSegment(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'read');
  return toSegment(await loadSegmentRow(deps, id));
}

export async function createSegment(deps: ActorDeps, input: z.infer<typeof createSegmentSchema>) {
  assertPermission(deps.actor, 'emails', 'create');
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(emailSegments)
      .values({
        name: input.name,
        description: input.description ?? null,
        kind: input.kind,
        filters: input.filters,
        ownerId: deps.actor.userId,
        teamId: deps.actor.teamId,
      })
      .returning();
    if (!row) throw new Error('segment not inserted');
    await recordChange(tx, {
      entityType: 'email_segment',
      entityId: row.id,
      action: 'created',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    return toSegment(row);
  });
}

export async function updateSegment(
  deps: ActorDeps,
  id: string,
  input: z.infer<typeof updateSegmentSchema>,
  ifMatch?: string,
) {
  assertPermission(deps.actor, 'emails', 'update');
  return deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(emailSegments)
      .where(and(eq(emailSegments.id, id), isNull(emailSegments.deletedAt)))
      .for('update');
    if (!current) throw new AppError('NOT_FOUND', { detail: 'Segment not found' });
    assertIfMatch(ifMatch, current.version);
    const [row] = await tx
      .update(emailSegments)
      .set({
        name: input.name ?? current.name,
        description: input.description === undefined ? current.description : input.description,
        filters: input.filters ?? current.filters,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(eq(emailSegments.id, id))
      .returning();
    if (!row) throw new Error('segment not updated');
    await recordChange(tx, {
      entityType: 'email_segment',
      entityId: id,
      action: 'updated',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    return toSegment(row);
  });
}

export async function deleteSegment(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'delete');
  await loadSegmentRow(deps, id);
  await deps.db.update(emailSegments).set({ deletedAt: new Date() }).where(eq(emailSegments.id, id));
}

/** The live count of a saved segment, within the caller's scope over people. */
export async function segmentAudience(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'read');
  const row = await loadSegmentRow(deps, id);
  return countAudience(
    deps.db,
    { id: row.id, kind: row.kind, filters: row.filters as SegmentFilters },
    await audienceScope(deps.db, deps.actor.userId),
  );
}

/** The live count of unsaved filters, as the editor changes them. */
export async function previewAudience(deps: ActorDeps, filters: z.infer<typeof segmentFilters>) {
  assertPermission(deps.actor, 'emails', 'read');
  return countAudience(
    deps.db,
    { id: '00000000-0000-0000-0000-000000000000', kind: 'dynamic', filters },
    await audienceScope(deps.db, deps.actor.userId),
  );
}

const EMAIL_IN_TEXT = /[^\s,;"'<>]+@[^\s,;"'<>]+\.[^\s,;"'<>]+/g;

/** Adds people to a static list, by id or from CSV text holding addresses. */
export async function addListMembers(deps: ActorDeps, id: string, input: z.infer<typeof listMembersInput>) {
  assertPermission(deps.actor, 'emails', 'update');
  const segment = await loadSegmentRow(deps, id);
  if (segment.kind !== 'static') {
    throw new AppError('CONFLICT', { detail: 'Members can only be added to a static list' });
  }
  const scope = scopeCondition(deps.actor, people);
  const found = new Set<string>();
  if (input.personIds?.length) {
    const rows = await deps.db
      .select({ id: people.id })
      .from(people)
      .where(and(inArray(people.id, input.personIds), isNull(people.deletedAt), scope));
    for (const row of rows) found.add(row.id);
  }
  const unmatched: string[] = [];
  if (input.csv) {
    const addresses = [
      ...new Set((input.csv.match(EMAIL_IN_TEXT) ?? []).map((value) => value.toLowerCase())),
    ];
    if (addresses.length > 0) {
      const rows = await deps.db
        .select({
          id: people.id,
          work: sql<string | null>`lower(${people.workEmail})`,
          personal: sql<string | null>`lower(${people.personalEmail})`,
        })
        .from(people)
        .where(
          and(
            isNull(people.deletedAt),
            scope,
            or(
              inArray(sql`lower(${people.workEmail})`, addresses),
              inArray(sql`lower(${people.personalEmail})`, addresses),
            ),
          ),
        );
      const known = new Set<string>();
      for (const row of rows) {
        found.add(row.id);
        if (row.work) known.add(row.work);
        if (row.personal) known.add(row.personal);
      }
      unmatched.push(...addresses.filter((address) => !known.has(address)));
    }
  }
  if (found.size === 0) return { added: 0, unmatched };
  const inserted = await deps.db
    .insert(emailListMembers)
    .values([...found].map((personId) => ({ segmentId: id, personId })))
    .onConflictDoNothing()
    .returning({ personId: emailListMembers.personId });
  return { added: inserted.length, unmatched };
}

export async function removeListMember(deps: ActorDeps, id: string, personId: string) {
  assertPermission(deps.actor, 'emails', 'update');
  await loadSegmentRow(deps, id);
  await deps.db
    .delete(emailListMembers)
    .where(and(eq(emailListMembers.segmentId, id), eq(emailListMembers.personId, personId)));
}
