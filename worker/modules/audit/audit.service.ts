import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { auditLog } from '../../db/schema';
import { decodeCursor, pageOf } from '../../lib/pagination';
import type { ActorDeps } from '../../lib/service-context';
import { assertPermission } from '../identity/actor';

/** Anything that can insert: the database or an open transaction. */
export type Writer = Pick<Database, 'insert'>;

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  changes?: Record<string, { before: unknown; after: unknown }> | null;
  requestId?: string | null;
  ip?: string | null;
}

/** Field names whose values are never written to the audit log. */
const SECRET_FIELDS = /password|token|secret|hash/i;

/** Before/after of the fields that actually changed; secret fields are recorded as changed, without values. */
export function diffChanges<T extends Record<string, unknown>>(
  before: Partial<T>,
  after: Partial<T>,
  fields: readonly (keyof T & string)[],
): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const field of fields) {
    if (!(field in after)) continue;
    const previous = before[field] ?? null;
    const next = after[field] ?? null;
    if (JSON.stringify(previous) === JSON.stringify(next)) continue;
    changes[field] = SECRET_FIELDS.test(field)
      ? { before: '[redacted]', after: '[redacted]' }
      : { before: previous, after: next };
  }
  return changes;
}

/** Written in the caller's transaction when there is one, so the change and its audit row commit together. */
export async function recordAudit(writer: Writer, entry: AuditEntry): Promise<void> {
  await writer.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    changes: entry.changes ?? null,
    requestId: entry.requestId ?? null,
    ip: entry.ip ?? null,
  });
}

export interface AuditQuery {
  limit: number;
  cursor?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
}

/** Newest first; keyset on (created_at, id). */
export async function listAuditLog(deps: ActorDeps, query: AuditQuery) {
  assertPermission(deps.actor, 'settings', 'manage');
  const conditions: (SQL | undefined)[] = [
    query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
    query.targetType ? eq(auditLog.targetType, query.targetType) : undefined,
    query.targetId ? eq(auditLog.targetId, query.targetId) : undefined,
  ];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, 2);
    conditions.push(
      sql`(${auditLog.createdAt}, ${auditLog.id}) < (${String(createdAt)}::timestamptz, ${String(id)}::uuid)`,
    );
  }
  const rows = await deps.db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.createdAt.toISOString(), row.id]);
  return {
    data: page.data.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}
