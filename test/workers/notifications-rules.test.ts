import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRONS } from '../../worker/cron/scheduled';
import type { DbHandle } from '../../worker/db/client';
import { notifications, teams, users } from '../../worker/db/schema';
import worker from '../../worker/index';
import { NOTIFICATION_TYPES } from '../../worker/modules/notifications/notifications.catalog';
import { RULES } from '../../worker/modules/notifications/notifications.rules';
import { dueEvents, notificationJobs } from '../../worker/modules/notifications/notifications.schedule';
import { planRecipients } from '../../worker/modules/notifications/notifications.service';
import { DOMAIN_EVENT_SUBSCRIBERS } from '../../worker/queues/consumer';
import type { DomainEventMessage } from '../../worker/queues/messages';
import { createTestDatabase, testDbHandle } from './support/helpers';
import { createIdentityFixture, type FixtureUserKey, type IdentityFixture } from './support/identity-fixture';
import { createRecordAs } from './support/records';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;
let handle: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
  handle = testDbHandle(database.url);
  await handle.db.update(teams).set({ managerId: fx.users.manager.id }).where(eq(teams.id, fx.teams.a));
  await handle.db.update(teams).set({ managerId: fx.users.otherManager.id }).where(eq(teams.id, fx.teams.b));
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

function event(
  type: string,
  options: {
    actor: FixtureUserKey | null;
    owner?: FixtureUserKey;
    payload?: Record<string, unknown>;
    entityId?: string;
  },
): DomainEventMessage {
  const owner = options.owner ? fx.users[options.owner] : null;
  return {
    id: crypto.randomUUID(),
    type,
    entityType: type.split('.')[0] ?? 'unknown',
    entityId: options.entityId ?? crypto.randomUUID(),
    actorId: options.actor ? fx.users[options.actor].id : null,
    ownerId: owner?.id ?? null,
    teamId: owner?.teamId ?? null,
    payload: options.payload ?? {},
    occurredAt: new Date().toISOString(),
  };
}

const who = (id: string) =>
  (Object.keys(fx.users) as FixtureUserKey[]).find((key) => fx.users[key].id === id);

async function recipients(message: DomainEventMessage) {
  const planned = await planRecipients(handle.db, message);
  return planned.map((entry) => `${who(entry.recipientId)}:${entry.rule.type}`).sort();
}

describe('recipient rules', () => {
  it('cover every notification type', () => {
    const produced = new Set(Object.values(RULES).flatMap((rules) => rules.map((rule) => rule.type)));
    expect([...produced].sort()).toEqual([...NOTIFICATION_TYPES].sort());
  });

  it('task events: the assignee, the owner, never the one who acted', async () => {
    const task = (assignee: FixtureUserKey) => ({ title: 'Relancer', assigneeId: fx.users[assignee].id });
    expect(
      await recipients(event('task.assigned', { actor: 'manager', owner: 'manager', payload: task('user') })),
    ).toEqual(['user:task_assigned']);
    expect(
      await recipients(event('task.assigned', { actor: 'user', owner: 'user', payload: task('user') })),
    ).toEqual([]);
    expect(
      await recipients(event('task.completed', { actor: 'user', owner: 'manager', payload: task('user') })),
    ).toEqual(['manager:task_completed']);
    expect(
      await recipients(event('task.due_soon', { actor: null, owner: 'manager', payload: task('teammate') })),
    ).toEqual(['teammate:task_due_soon']);
    expect(
      await recipients(event('task.overdue', { actor: null, owner: 'manager', payload: task('teammate') })),
    ).toEqual(['teammate:task_overdue']);
    // Events without a rule notify nobody.
    expect(
      await recipients(event('task.updated', { actor: 'manager', owner: 'manager', payload: task('user') })),
    ).toEqual([]);
  });

  it('mandate events: the owner and the team manager', async () => {
    expect(await recipients(event('mandate.signed', { actor: 'admin', owner: 'user' }))).toEqual([
      'manager:mandate_signed',
      'user:mandate_signed',
    ]);
    expect(await recipients(event('mandate.signed', { actor: 'user', owner: 'user' }))).toEqual([
      'manager:mandate_signed',
    ]);
    expect(await recipients(event('mandate.signed', { actor: 'user', owner: 'otherUser' }))).toEqual([
      'otherManager:mandate_signed',
      'otherUser:mandate_signed',
    ]);
    expect(
      await recipients(
        event('mandate.status_changed', {
          actor: 'admin',
          owner: 'user',
          payload: { from: 'signed', to: 'active' },
        }),
      ),
    ).toEqual(['user:mandate_status_changed']);
    // A signature is notified once, as mandate_signed.
    expect(
      await recipients(
        event('mandate.status_changed', {
          actor: 'admin',
          owner: 'user',
          payload: { from: 'proposed', to: 'signed' },
        }),
      ),
    ).toEqual([]);
    expect(await recipients(event('mandate.expiring', { actor: null, owner: 'user' }))).toEqual([
      'manager:mandate_expiring',
      'user:mandate_expiring',
    ]);
    expect(await recipients(event('mandate.review_due', { actor: null, owner: 'user' }))).toEqual([
      'user:mandate_review_due',
    ]);
  });

  it('organisation events: the new owner; stage changes also reach the team manager', async () => {
    expect(await recipients(event('organisation.assigned', { actor: 'manager', owner: 'user' }))).toEqual([
      'user:organisation_assigned',
    ]);
    expect(await recipients(event('organisation.stage_changed', { actor: 'admin', owner: 'user' }))).toEqual([
      'manager:organisation_stage_changed',
      'user:organisation_stage_changed',
    ]);
  });

  it('interactions: owners of the record it is logged on, and who is @mentioned (mention wins)', async () => {
    const organisationId = await createRecordAs(fx, 'user', 'organisations', { name: 'Amundi' });
    const interactionId = await createRecordAs(fx, 'teammate', 'interactions', {
      type: 'call',
      occurredAt: new Date(),
      subject: 'Point trimestriel',
      body: `Voir avec @${fx.users.manager.email} et @${fx.users.user.email}`,
      organisationId,
    });
    const logged = event('interaction.created', {
      actor: 'teammate',
      owner: 'teammate',
      entityId: interactionId,
      payload: { subject: 'Point trimestriel', organisationId },
    });
    expect(await recipients(logged)).toEqual(['manager:mention', 'user:mention']);
    const quiet = await createRecordAs(fx, 'teammate', 'interactions', {
      type: 'note',
      occurredAt: new Date(),
      subject: 'Note',
      organisationId,
    });
    expect(
      await recipients(
        event('interaction.created', {
          actor: 'teammate',
          owner: 'teammate',
          entityId: quiet,
          payload: { organisationId },
        }),
      ),
    ).toEqual(['user:interaction_logged']);
  });

  it('exports and imports notify the requester; a disabled webhook alerts every active admin', async () => {
    expect(
      await recipients(
        event('export.completed', { actor: 'user', owner: 'user', payload: { fileName: 'x.xlsx' } }),
      ),
    ).toEqual(['user:export_ready']);
    expect(await recipients(event('export.failed', { actor: 'user', owner: 'user' }))).toEqual([
      'user:export_ready',
    ]);
    expect(await recipients(event('import.completed', { actor: 'viewer', owner: 'viewer' }))).toEqual([
      'viewer:import_finished',
    ]);
    expect(await recipients(event('import.failed', { actor: 'viewer', owner: 'viewer' }))).toEqual([
      'viewer:import_finished',
    ]);
    expect(
      await recipients({
        ...event('webhook_endpoint.disabled', { actor: null, payload: { url: 'https://x', reason: '410' } }),
        entityType: 'webhook_endpoint',
      }),
    ).toEqual(['admin:system_alert']);
  });
});

type TestMessage = Parameters<typeof createMessageBatch>[1][number];

async function consume(bodies: unknown[]) {
  const messages: TestMessage[] = bodies.map((body, index) => ({
    id: `m${index}-${crypto.randomUUID()}`,
    timestamp: new Date(),
    attempts: 1,
    body,
  }));
  const batch = createMessageBatch('domain-events', messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, DATABASE_URL: database.url }, ctx);
  return getQueueResult(batch, ctx);
}

async function rowsFor(eventId: string) {
  return handle.db
    .select({
      recipientId: notifications.recipientId,
      type: notifications.type,
      priority: notifications.priority,
      title: notifications.title,
      body: notifications.body,
    })
    .from(notifications)
    .where(eq(notifications.eventId, eventId));
}

describe('the pipeline: domain-events queue → rules → stored notifications', () => {
  it('is a registered subscriber', () => {
    expect(DOMAIN_EVENT_SUBSCRIBERS.map((subscriber) => subscriber.name)).toContain('notifications');
  });

  it('turns the agreed cross-team events into notifications, in the recipient’s language, once', async () => {
    await handle.db.update(users).set({ locale: 'en' }).where(eq(users.id, fx.users.user.id));
    const exported = {
      ...event('export.completed', {
        actor: 'user',
        owner: 'user',
        payload: { entity: 'organisations', format: 'xlsx', rows: 1200, fileName: 'organisations.xlsx' },
      }),
      entityType: 'export',
    };
    const imported = {
      ...event('import.failed', {
        actor: 'admin',
        owner: 'admin',
        payload: { created: 0, updated: 0, rejected: 12 },
      }),
      entityType: 'import',
    };
    const disabled = {
      ...event('webhook_endpoint.disabled', {
        actor: null,
        payload: { url: 'https://hooks.example/crm', reason: '20 failures in a row' },
      }),
      entityType: 'webhook_endpoint',
    };
    const first = await consume([exported, imported, disabled]);
    expect(first.explicitAcks).toHaveLength(3);
    expect(await rowsFor(exported.id)).toEqual([
      {
        recipientId: fx.users.user.id,
        type: 'export_ready',
        priority: 'normal',
        title: 'Your export is ready',
        body: 'organisations.xlsx (1200)',
      },
    ]);
    expect(await rowsFor(imported.id)).toEqual([
      {
        recipientId: fx.users.admin.id,
        type: 'import_finished',
        priority: 'high',
        title: 'Échec de l’import',
        body: '0 créé(s), 0 mis à jour, 12 rejeté(s).',
      },
    ]);
    expect(await rowsFor(disabled.id)).toEqual([
      {
        recipientId: fx.users.admin.id,
        type: 'system_alert',
        priority: 'urgent',
        title: 'Webhook désactivé',
        body: 'https://hooks.example/crm — 20 failures in a row',
      },
    ]);
    // At-least-once delivery: the same events again change nothing.
    const again = await consume([exported, imported, disabled]);
    expect(again.explicitAcks).toHaveLength(3);
    for (const id of [exported.id, imported.id, disabled.id]) expect(await rowsFor(id)).toHaveLength(1);
  });

  it('cron enqueues the scan every quarter hour and the sweep daily', () => {
    const time = Date.parse('2026-11-22T08:15:00Z');
    expect(notificationJobs(CRONS.everyQuarterHour, time)).toEqual([
      {
        id: `notifications.scan:${time}`,
        type: 'notifications.scan',
        scheduledAt: '2026-11-22T08:15:00.000Z',
      },
    ]);
    expect(notificationJobs(CRONS.daily, time).map((job) => job.type)).toEqual(['notifications.sweep']);
    expect(notificationJobs(CRONS.everyMinute, time)).toEqual([]);
  });

  it('the scan notifies due-soon and overdue tasks and expiring mandates exactly once each', async () => {
    const now = new Date();
    const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const soon = await createRecordAs(fx, 'manager', 'tasks', {
      title: 'Envoyer le DICI',
      dueDate: day(1),
      assigneeId: fx.users.teammate.id,
    });
    const late = await createRecordAs(fx, 'teammate', 'tasks', { title: 'Relance', dueDate: day(-2) });
    const done = await createRecordAs(fx, 'teammate', 'tasks', {
      title: 'Fait',
      dueDate: day(-2),
      status: 'done',
    });
    const organisationId = await createRecordAs(fx, 'otherUser', 'organisations', { name: 'Lyxor' });
    const mandate = await createRecordAs(fx, 'otherUser', 'mandates', {
      number: `M-T-${crypto.randomUUID().slice(0, 6)}`,
      organisationId,
      title: 'Gestion conseillée',
      type: 'advisory',
      status: 'active',
      endDate: day(10),
    });
    // The database is shared with other test files: look only at this test's records.
    const mine = new Set([soon, late, mandate, done]);
    const due = (await dueEvents(handle.db, now)).filter((entry) => mine.has(entry.entityId));
    expect(due.map((entry) => `${entry.type}:${entry.entityId}`).sort()).toEqual(
      [`mandate.expiring:${mandate}`, `task.due_soon:${soon}`, `task.overdue:${late}`].sort(),
    );
    const scan = {
      id: `notifications.scan:${now.getTime()}`,
      type: 'notifications.scan',
      scheduledAt: now.toISOString(),
    };
    expect((await consume([scan])).explicitAcks).toHaveLength(1);
    expect((await consume([{ ...scan, id: `${scan.id}:again` }])).explicitAcks).toHaveLength(1);
    const rows = await handle.db
      .select({
        recipientId: notifications.recipientId,
        type: notifications.type,
        entityId: notifications.entityId,
      })
      .from(notifications)
      .where(and(eq(notifications.data, { event: 'task.due_soon' }), eq(notifications.entityId, soon)));
    expect(rows).toEqual([{ recipientId: fx.users.teammate.id, type: 'task_due_soon', entityId: soon }]);
    const timeBased = await handle.pool.query(
      `select type, recipient_id from notifications where entity_id = any($1::uuid[]) order by type, recipient_id`,
      [[soon, late, mandate]],
    );
    expect(
      timeBased.rows
        .map((row: { type: string; recipient_id: string }) => `${row.type}:${who(row.recipient_id)}`)
        .sort(),
    ).toEqual([
      'mandate_expiring:otherManager',
      'mandate_expiring:otherUser',
      'task_due_soon:teammate',
      'task_overdue:teammate',
    ]);
  });
});
