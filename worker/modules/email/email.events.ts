import { and, desc, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import { isbot } from 'isbot';
import type { z } from 'zod';
import type { Database } from '../../db/client';
import { emailEvents, emailSends, emailSuppressions } from '../../db/schema';
import { decodeCursor, pageOf } from '../../lib/pagination';
import type { ActorDeps } from '../../lib/service-context';
import { assertPermission } from '../identity/actor';
import type { eventsQuery } from './email.schemas';

/**
 * Email events: our own open pixel and click redirects, and the provider's
 * event webhook. Stored once per event key; bounces, spam reports and
 * unsubscribes feed the suppression list at once.
 */

/** Opens and clicks made by software: scanners, prefetching proxies, link checkers. */
export function isMachineHit(userAgent: string | null, sentAt: Date | null, now = new Date()): boolean {
  if (!userAgent || userAgent.trim() === '') return true;
  // Apple Mail Privacy Protection prefetches through a bare "Mozilla/5.0" agent.
  if (userAgent.trim() === 'Mozilla/5.0') return true;
  if (isbot(userAgent)) return true;
  if (/Barracuda|Mimecast|Proofpoint|MessageLabs|Symantec|SafeLinks|ZScaler|Trend Micro/i.test(userAgent))
    return true;
  // A security gateway scans as the message lands: a hit within seconds of sending is no reader.
  return sentAt !== null && now.getTime() - sentAt.getTime() < 2_000;
}

export interface NewEvent {
  eventKey: string;
  sendId: string | null;
  type: string;
  email: string | null;
  url?: string | null;
  machine?: boolean;
  occurredAt?: Date;
  payload?: unknown;
}

const SUPPRESSING: Record<string, string> = {
  bounce: 'bounce',
  spamreport: 'spamreport',
  unsubscribe: 'unsubscribe',
  group_unsubscribe: 'unsubscribe',
};

/** Inserts events (duplicates ignored) and suppresses addresses; returns how many were new. */
export async function storeEvents(db: Database, events: NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const inserted = await db
    .insert(emailEvents)
    .values(
      events.map((event) => ({
        eventKey: event.eventKey,
        sendId: event.sendId,
        type: event.type,
        email: event.email?.toLowerCase() ?? null,
        url: event.url ?? null,
        machine: event.machine ?? false,
        occurredAt: event.occurredAt ?? new Date(),
        payload: event.payload ?? null,
      })),
    )
    .onConflictDoNothing({ target: emailEvents.eventKey })
    .returning({ type: emailEvents.type, email: emailEvents.email });
  const suppressions = inserted
    .filter((event) => event.email && SUPPRESSING[event.type])
    .map((event) => ({
      email: event.email as string,
      reason: SUPPRESSING[event.type] as string,
      source: 'sendgrid',
    }));
  if (suppressions.length > 0) await db.insert(emailSuppressions).values(suppressions).onConflictDoNothing();
  return inserted.length;
}

/** Unsubscribes the address of a send, immediately (one-click, RFC 8058). */
export async function unsubscribeSend(db: Database, sendId: string, source: string): Promise<boolean> {
  const [send] = await db
    .select({ email: emailSends.email })
    .from(emailSends)
    .where(eq(emailSends.id, sendId));
  if (!send) return false;
  await db
    .insert(emailSuppressions)
    .values({ email: send.email.toLowerCase(), reason: 'unsubscribe', source })
    .onConflictDoNothing();
  await storeEvents(db, [
    { eventKey: `t:unsubscribe:${sendId}`, sendId, type: 'unsubscribe', email: send.email },
  ]);
  return true;
}

export async function resubscribeSend(db: Database, sendId: string): Promise<boolean> {
  const [send] = await db
    .select({ email: emailSends.email })
    .from(emailSends)
    .where(eq(emailSends.id, sendId));
  if (!send) return false;
  await db
    .delete(emailSuppressions)
    .where(
      and(eq(emailSuppressions.email, send.email.toLowerCase()), eq(emailSuppressions.reason, 'unsubscribe')),
    );
  return true;
}

export async function listEvents(deps: ActorDeps, query: z.infer<typeof eventsQuery>) {
  assertPermission(deps.actor, 'emails', 'read');
  const [cursorAt, cursorId] = query.cursor ? decodeCursor(query.cursor, 2) : [null, null];
  const conditions: (SQL | undefined)[] = [
    query.type ? eq(emailEvents.type, query.type) : undefined,
    query.campaignId
      ? sql`${emailEvents.sendId} in (select id from email_sends where campaign_id = ${query.campaignId})`
      : undefined,
    cursorAt && cursorId
      ? or(
          lt(emailEvents.occurredAt, new Date(String(cursorAt))),
          and(eq(emailEvents.occurredAt, new Date(String(cursorAt))), lt(emailEvents.id, String(cursorId))),
        )
      : undefined,
  ];
  const rows = await deps.db
    .select()
    .from(emailEvents)
    .where(and(...conditions))
    .orderBy(desc(emailEvents.occurredAt), desc(emailEvents.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.occurredAt.toISOString(), row.id]);
  return {
    data: page.data.map((row) => ({
      id: row.id,
      sendId: row.sendId,
      type: row.type,
      email: row.email,
      url: row.url,
      machine: row.machine,
      occurredAt: row.occurredAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}
