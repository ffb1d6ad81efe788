import { and, eq, inArray, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  affiliations,
  auditLog,
  interactionParticipants,
  interactions,
  outboxEvents,
  people,
  tasks,
  timelineEvents,
} from '../../worker/db/schema';
import { createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture, jsonBody } from './support/identity-fixture';
import { createRecordAs } from './support/records';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

type Who = NonNullable<Parameters<IdentityFixture['as']>[0]>;

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

/** Personal values seeded on every subject; none may survive an erasure anywhere we look. */
const SECRETS = {
  firstName: 'Hortense',
  lastName: 'Vandermeulen',
  workEmail: 'hortense.vandermeulen@banque-exemple.fr',
  personalEmail: 'hortense.v@perso.example',
  workPhone: '+33 1 23 45 67 89',
  mobilePhone: '+33 6 98 76 54 32',
  jobTitle: 'Responsable allocation',
  city: 'Strasbourg',
  notes: 'Préfère être appelée le matin',
  tags: ['vip-gdpr'],
  externalId: 'GDPR-EXT-1',
};

/**
 * A person created and edited through the API (so timeline and outbox hold
 * their values), with an affiliation, an interaction they took part in and a task.
 */
async function subject(owner: Who = 'user', externalId = `GDPR-${crypto.randomUUID()}`) {
  const created = await fx.as(
    owner,
    '/api/v1/people',
    jsonBody('POST', {
      ...SECRETS,
      externalId,
      consent: { status: 'granted', source: 'Formulaire papier' },
    }),
  );
  expect(created.status, await created.clone().text()).toBe(201);
  const person = (await created.json()) as { id: string };
  const updated = await fx.as(
    owner,
    `/api/v1/people/${person.id}`,
    jsonBody('PATCH', { notes: `${SECRETS.notes} (vu à ${SECRETS.city})` }),
  );
  expect(updated.status).toBe(200);
  const organisationId = await createRecordAs(fx, owner, 'organisations', {
    name: 'Banque Exemple',
    types: ['investor'],
  });
  const affiliated = await fx.as(
    owner,
    '/api/v1/affiliations',
    jsonBody('POST', {
      personId: person.id,
      organisationId,
      roleTitle: SECRETS.jobTitle,
      isPrimary: true,
      startDate: '2020-01-01',
    }),
  );
  expect(affiliated.status).toBe(201);
  const affiliationId = ((await affiliated.json()) as { id: string }).id;
  const interactionId = await createRecordAs(fx, owner, 'interactions', {
    type: 'meeting',
    occurredAt: new Date('2026-03-02T10:00:00Z'),
    subject: 'Revue annuelle',
    body: 'Discussion allocation 2026',
    organisationId,
  });
  const otherInteraction = await createRecordAs(fx, owner, 'interactions', {
    type: 'call',
    occurredAt: new Date('2026-03-03T10:00:00Z'),
    subject: 'Sans elle',
  });
  await withDb((db) =>
    db.insert(interactionParticipants).values([
      { interactionId, kind: 'person', participantId: person.id },
      { interactionId, kind: 'user', participantId: fx.users[owner].id },
      { interactionId: otherInteraction, kind: 'user', participantId: fx.users[owner].id },
    ]),
  );
  const taskId = await createRecordAs(fx, owner, 'tasks', {
    title: 'Envoyer le reporting',
    personId: person.id,
    dueDate: '2026-04-01',
  });
  return { personId: person.id, organisationId, affiliationId, interactionId, taskId };
}

const auditFor = (targetId: string) =>
  withDb((db) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'person'), eq(auditLog.targetId, targetId)))
      .orderBy(auditLog.createdAt),
  );

function expectNoSecrets(value: unknown) {
  const text = JSON.stringify(value).toLowerCase();
  for (const secret of [...Object.values(SECRETS).flat(), 'perso.example', 'Formulaire papier']) {
    expect(text, `found ${secret}`).not.toContain(String(secret).toLowerCase());
  }
}

describe('GDPR', () => {
  it('exports everything held about a person, as an audited attachment', async () => {
    const ids = await subject('user');
    const response = await fx.as('user', `/api/v1/people/${ids.personId}/gdpr-export`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="person-${ids.personId}.json"`,
    );
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const exported = (await response.json()) as {
      person: Record<string, unknown>;
      consent: { status: string; source: string };
      affiliations: { id: string; roleTitle: string; organisation: { name: string } }[];
      interactions: { id: string; subject: string }[];
      tasks: { id: string; title: string }[];
      timeline: { entityType: string; entityId: string; action: string }[];
    };
    expect(exported.person).toMatchObject({
      id: ids.personId,
      lastName: SECRETS.lastName,
      workEmail: SECRETS.workEmail,
    });
    expect(exported.consent).toMatchObject({ status: 'granted', source: 'Formulaire papier' });
    expect(exported.affiliations).toEqual([
      expect.objectContaining({
        id: ids.affiliationId,
        roleTitle: SECRETS.jobTitle,
        organisation: { id: ids.organisationId, name: 'Banque Exemple' },
      }),
    ]);
    expect(exported.interactions.map((row) => [row.id, row.subject])).toEqual([
      [ids.interactionId, 'Revue annuelle'],
    ]);
    expect(exported.tasks.map((row) => [row.id, row.title])).toEqual([[ids.taskId, 'Envoyer le reporting']]);
    expect(exported.timeline.map((entry) => `${entry.entityType}:${entry.action}`)).toEqual([
      'person:created',
      'person:updated',
      'affiliation:created',
    ]);

    const audit = await auditFor(ids.personId);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'person.gdpr_exported', actorId: fx.users.user.id, changes: null }),
    ]);
    expect(audit[0]?.requestId).toBe(response.headers.get('X-Request-Id'));
  });

  it('export needs people:export and a visible person', async () => {
    const ids = await subject('teammate');
    expect((await fx.as('viewer', `/api/v1/people/${ids.personId}/gdpr-export`)).status).toBe(403);
    expect((await fx.as('user', `/api/v1/people/${ids.personId}/gdpr-export`)).status).toBe(404);
    expect((await fx.as('otherManager', `/api/v1/people/${ids.personId}/gdpr-export`)).status).toBe(404);
    expect((await fx.as('manager', `/api/v1/people/${ids.personId}/gdpr-export`)).status).toBe(200);
    expect((await auditFor(ids.personId)).map((row) => row.actorId)).toEqual([fx.users.manager.id]);
  });

  it('erase anonymises in place, scrubs history and events, keeps the aggregates, and is audited', async () => {
    const ids = await subject('user');
    expect((await fx.as('user', `/api/v1/people/${ids.personId}/erase`, { method: 'POST' })).status).toBe(
      403,
    );
    const stale = await fx.as('manager', `/api/v1/people/${ids.personId}/erase`, {
      method: 'POST',
      headers: { 'If-Match': '"v1"' },
    });
    expect(stale.status).toBe(412);

    const response = await fx.as('manager', `/api/v1/people/${ids.personId}/erase`, { method: 'POST' });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('ETag')).toBe('"v3"');
    const erased = (await response.json()) as Record<string, unknown> & {
      consent: { status: string };
      erasedAt: string | null;
    };
    expect(erased).toMatchObject({
      firstName: 'Personne',
      lastName: 'effacée',
      workEmail: null,
      personalEmail: null,
      workPhone: null,
      mobilePhone: null,
      jobTitle: null,
      city: null,
      notes: null,
      tags: [],
      externalId: null,
      consent: { status: 'withdrawn', source: 'erasure' },
    });
    expect(erased.erasedAt).toBeTruthy();
    expectNoSecrets(erased);

    await withDb(async (db) => {
      const [row] = await db.select().from(people).where(eq(people.id, ids.personId));
      expectNoSecrets(row);
      expect(row?.erasedAt).toBeInstanceOf(Date);

      const history = await db
        .select()
        .from(timelineEvents)
        .where(
          or(
            and(eq(timelineEvents.entityType, 'person'), eq(timelineEvents.entityId, ids.personId)),
            eq(timelineEvents.entityId, ids.affiliationId),
          ),
        )
        .orderBy(timelineEvents.occurredAt);
      expectNoSecrets(history);
      const last = history.filter((entry) => entry.entityId === ids.personId).at(-1);
      expect(last?.action).toBe('erased');
      const changes = last?.changes as Record<string, { before: unknown; after: unknown }>;
      expect(changes.workEmail).toEqual({ before: '[erased]', after: null });
      expect(changes.consentStatus).toEqual({ before: 'granted', after: 'withdrawn' });
      // History keeps its shape (which fields changed when), not its values.
      const created = history.find((entry) => entry.entityId === ids.personId && entry.action === 'created');
      const createdChanges = (created?.changes ?? {}) as Record<string, unknown>;
      expect(createdChanges.lastName).toEqual({
        before: '[erased]',
        after: '[erased]',
      });
      expect(createdChanges.language).toEqual({ before: null, after: 'fr' });

      const events = await db
        .select()
        .from(outboxEvents)
        .where(inArray(outboxEvents.entityId, [ids.personId, ids.affiliationId]))
        .orderBy(outboxEvents.occurredAt);
      expectNoSecrets(events);
      const personEvents = events.filter((event) => event.entityId === ids.personId);
      expect(personEvents.map((event) => event.type)).toEqual([
        'person.created',
        'person.updated',
        'person.erased',
      ]);
      expect(personEvents[2]?.payload).toMatchObject({
        id: ids.personId,
        affiliationIds: [ids.affiliationId],
      });

      // Aggregates stay, linked to the anonymised person.
      const [affiliation] = await db
        .select()
        .from(affiliations)
        .where(eq(affiliations.id, ids.affiliationId));
      expect(affiliation).toMatchObject({
        personId: ids.personId,
        roleTitle: null,
        isPrimary: true,
        deletedAt: null,
      });
      const [task] = await db.select().from(tasks).where(eq(tasks.id, ids.taskId));
      expect(task).toMatchObject({ personId: ids.personId, title: 'Envoyer le reporting' });
      const [interaction] = await db
        .select()
        .from(interactions)
        .where(eq(interactions.id, ids.interactionId));
      expect(interaction?.deletedAt).toBeNull();
      const participants = await db
        .select()
        .from(interactionParticipants)
        .where(eq(interactionParticipants.participantId, ids.personId));
      expect(participants).toHaveLength(1);
    });

    const audit = await auditFor(ids.personId);
    expect(audit.map((row) => row.action)).toEqual(['person.erased']);
    expect(audit[0]).toMatchObject({ actorId: fx.users.manager.id });
    expectNoSecrets(audit);

    // The export now holds only the anonymised record.
    const exported = await fx.as('manager', `/api/v1/people/${ids.personId}/gdpr-export`);
    expect(exported.status).toBe(200);
    expectNoSecrets(await exported.json());
  });

  it('erasure is final: a second erase, edits and restores are 409; the external id is free again', async () => {
    const ids = await subject('manager', 'GDPR-REUSE');
    expect((await fx.as('manager', `/api/v1/people/${ids.personId}/erase`, { method: 'POST' })).status).toBe(
      200,
    );

    const again = await fx.as('manager', `/api/v1/people/${ids.personId}/erase`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await problemOf(again)).detail).toContain('already erased');
    const edit = await fx.as(
      'manager',
      `/api/v1/people/${ids.personId}`,
      jsonBody('PATCH', { firstName: 'Retour' }),
    );
    expect(edit.status).toBe(409);
    expect(
      (await fx.as('manager', `/api/v1/people/${ids.personId}/restore`, { method: 'POST' })).status,
    ).toBe(409);
    expect((await fx.as('manager', `/api/v1/people/${ids.personId}`, { method: 'DELETE' })).status).toBe(204);
    expect(
      (await fx.as('manager', `/api/v1/people/${ids.personId}/restore`, { method: 'POST' })).status,
    ).toBe(409);

    const newcomer = await fx.as(
      'manager',
      '/api/v1/people',
      jsonBody('POST', { firstName: 'Nouveau', lastName: 'Contact', externalId: 'GDPR-REUSE' }),
    );
    expect(newcomer.status).toBe(201);
    const affiliation = await fx.as(
      'manager',
      '/api/v1/affiliations',
      jsonBody('POST', { personId: ids.personId, organisationId: ids.organisationId }),
    );
    expect(affiliation.status).toBe(422);
  });

  it('a person in the bin can be erased; out of scope is 404', async () => {
    const ids = await subject('otherUser');
    expect((await fx.as('manager', `/api/v1/people/${ids.personId}/erase`, { method: 'POST' })).status).toBe(
      404,
    );
    expect((await fx.as('otherManager', `/api/v1/people/${ids.personId}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    const erased = await fx.as('otherManager', `/api/v1/people/${ids.personId}/erase`, { method: 'POST' });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ lastName: 'effacée', deletedAt: expect.any(String) });
  });
});
