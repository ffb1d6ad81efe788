import { env } from 'cloudflare:test';
import { and, count, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  affiliations,
  auditLog,
  deadLetters,
  importJobs,
  organisations,
  outboxEvents,
  people,
  timelineEvents,
} from '../../worker/db/schema';
import { QUEUES, retryDelaySeconds } from '../../worker/queues/queues.config';
import {
  BOM,
  callAs,
  capturingQueue,
  type ImportJobBody,
  queueMessage,
  readCsvReport,
  runQueueBatch,
  uploaded,
  waitFor,
} from '../fixtures/imports/support';
import { expectErrorLogs } from './setup';
import { createTestDatabase, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture } from './support/identity-fixture';
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

interface CommitMessage {
  id: string;
  type: string;
  jobId: string;
}

/** Commits through the API with a capturing queue; returns the message the consumer would get. */
async function commit(jobId: string): Promise<CommitMessage> {
  const queue = capturingQueue();
  const response = await callAs(
    fx,
    'manager',
    `/api/v1/imports/${jobId}/commit`,
    { method: 'POST' },
    {
      IMPORTS_QUEUE: queue,
    },
  );
  expect(response.status, await response.clone().text()).toBe(202);
  expect(((await response.json()) as ImportJobBody).status).toBe('queued');
  expect(queue.sent).toHaveLength(1);
  return queue.sent[0] as CommitMessage;
}

function deliver(message: CommitMessage, attempts = 1, queue = 'imports') {
  return runQueueBatch(queue, [queueMessage(`${message.id}#${attempts}`, message, attempts)], {
    DATABASE_URL: database.url,
  });
}

async function jobOf(id: string) {
  const handle = testDbHandle(database.url);
  try {
    const [row] = await handle.db.select().from(importJobs).where(eq(importJobs.id, id));
    if (!row) throw new Error('job not found');
    return row;
  } finally {
    await handle.close();
  }
}

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

describe('commit: organisations', () => {
  it('imports through the queue consumer: creates, updates by external id and domain, rejects; audited; idempotent', async () => {
    const byExternalId = await createRecordAs(fx, 'teammate', 'organisations', {
      name: 'Caisse Ext',
      types: ['investor'],
      externalId: 'C-1',
      city: 'Paris',
    });
    const byDomain = await createRecordAs(fx, 'manager', 'organisations', {
      name: 'Majestic',
      types: ['distributor'],
      website: 'https://maj.fr',
      websiteDomain: 'maj.fr',
    });
    const unchanged = await createRecordAs(fx, 'manager', 'organisations', {
      name: 'Stable',
      types: ['partner'],
      externalId: 'C-STABLE',
    });
    await createRecordAs(fx, 'otherUser', 'organisations', {
      name: 'Hidden',
      types: ['investor'],
      externalId: 'C-HIDDEN',
    });
    const csv = [
      'Identifiant externe;Nom;Type;Ville;Site web;Encours;Étiquettes',
      'C-1;Caisse Ext;investisseur;Lyon;;"2 500 000,5";retraite',
      ';Majestic;distributeur;Bordeaux;www.maj.fr;;',
      'C-STABLE;Stable;partenaire;;;;',
      'C-HIDDEN;Hidden;investor;;;;',
      'C-NEW-1;Nouvelle Caisse;investor;Lille;nouvelle.fr;;"a; b"',
      'C-NEW-2;Autre Caisse;investor, partner;;;;',
      ';Sans Type;;;;;',
      'C-NEW-1;Doublon;investor;;;;',
    ].join('\r\n');
    const job = await uploaded(fx, 'manager', 'organisations', `${BOM}${csv}\r\n`, {
      fileName: 'caisses.csv',
    });
    expect(job.preview.totals).toEqual({ rows: 8, create: 2, update: 2, unchanged: 1, reject: 3 });

    const message = await commit(job.id);
    expect(message).toEqual({ id: `import:${job.id}`, type: 'import.commit', jobId: job.id });
    const queued = await jobOf(job.id);
    expect(queued.status).toBe('queued');
    expect(queued.permissions).toContain('organisations:import');
    // Committing twice is refused; so is a mapping change once queued.
    const again = await callAs(
      fx,
      'manager',
      `/api/v1/imports/${job.id}/commit`,
      { method: 'POST' },
      {
        IMPORTS_QUEUE: capturingQueue(),
      },
    );
    expect(again.status).toBe(409);

    const outboxBefore = await withDb(
      async (db) => (await db.select({ n: count() }).from(outboxEvents))[0]?.n,
    );
    const result = await deliver(message);
    expect(result.explicitAcks).toEqual([`${message.id}#1`]);
    expect(result.retryMessages).toEqual([]);

    const done = await jobOf(job.id);
    expect(done).toMatchObject({
      status: 'completed',
      rowCount: 8,
      processed: 8,
      created: 2,
      updated: 2,
      unchanged: 1,
      rejected: 3,
      attempts: 1,
      error: null,
    });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.errors.map((error) => error.row)).toEqual([5, 8, 9]);
    expect(done.errors[0]?.reasons).toEqual(['A matching record exists outside your scope']);
    expect(done.errors[2]?.reasons).toEqual(['Same external id as row 6: each record once per file']);

    await withDb(async (db) => {
      const [ext] = await db.select().from(organisations).where(eq(organisations.id, byExternalId));
      expect(ext).toMatchObject({
        city: 'Lyon',
        aumAmount: '2500000.50',
        aumCurrency: 'EUR',
        tags: ['retraite'],
        version: 2,
      });
      // Still the teammate's: an update keeps the owner.
      expect(ext?.ownerId).toBe(fx.users.teammate.id);
      const [domain] = await db.select().from(organisations).where(eq(organisations.id, byDomain));
      expect(domain).toMatchObject({
        city: 'Bordeaux',
        website: 'www.maj.fr',
        websiteDomain: 'maj.fr',
        version: 2,
      });
      const [same] = await db.select().from(organisations).where(eq(organisations.id, unchanged));
      expect(same?.version).toBe(1);
      const created = await db
        .select()
        .from(organisations)
        .where(inArray(organisations.externalId, ['C-NEW-1', 'C-NEW-2']))
        .orderBy(organisations.externalId);
      expect(created.map((row) => [row.name, row.types, row.ownerId, row.teamId])).toEqual([
        ['Nouvelle Caisse', ['investor'], fx.users.manager.id, fx.teams.a],
        ['Autre Caisse', ['investor', 'partner'], fx.users.manager.id, fx.teams.a],
      ]);
      expect(created[0]).toMatchObject({ websiteDomain: 'nouvelle.fr', tags: ['a', 'b'] });
      // Timeline and outbox, as the services always write them.
      const timeline = await db
        .select()
        .from(timelineEvents)
        .where(inArray(timelineEvents.entityId, [...created.map((row) => row.id), byExternalId]));
      expect(timeline.map((row) => row.action).sort()).toEqual(['created', 'created', 'updated']);
      const [outboxAfter] = await db.select({ n: count() }).from(outboxEvents);
      // 2 created + 2 updated records, and the import's own `import.completed`.
      expect((outboxAfter?.n ?? 0) - (outboxBefore ?? 0)).toBe(5);
      const finished = await db.select().from(outboxEvents).where(eq(outboxEvents.entityId, job.id));
      expect(finished).toEqual([
        expect.objectContaining({
          type: 'import.completed',
          entityType: 'import',
          actorId: fx.users.manager.id,
          ownerId: fx.users.manager.id,
          teamId: fx.teams.a,
          payload: expect.objectContaining({ created: 2, updated: 2, rejected: 3, unchanged: 1 }),
        }),
      ]);
      const audit = await db.select().from(auditLog).where(eq(auditLog.targetId, job.id));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'import.completed',
        targetType: 'import',
        actorId: fx.users.manager.id,
      });
      expect(audit[0]?.changes).toMatchObject({
        entity: { after: 'organisations' },
        fileName: { after: 'caisses.csv' },
        created: { after: 2 },
        updated: { after: 2 },
        rejected: { after: 3 },
      });
    });

    // The error report now lists what the commit rejected.
    const report = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/errors.csv`);
    expect(report.status).toBe(200);
    const records = readCsvReport(new TextDecoder().decode(await report.arrayBuffer()), ';');
    expect(records.map((record) => record[0])).toEqual(['Row', '5', '8', '9']);
    expect(records[3]?.slice(2)).toEqual(['C-NEW-1', 'Doublon', 'investor', '', '', '', '']);

    // A redelivery of the same message is a no-op.
    const redelivered = await deliver(message, 2);
    expect(redelivered.explicitAcks).toEqual([`${message.id}#2`]);
    expect(await jobOf(job.id)).toMatchObject({ status: 'completed', created: 2, attempts: 1 });
    await withDb(async (db) => {
      const [row] = await db
        .select({ n: count() })
        .from(organisations)
        .where(inArray(organisations.externalId, ['C-NEW-1', 'C-NEW-2']));
      expect(row?.n).toBe(2);
      expect(await db.select().from(auditLog).where(eq(auditLog.targetId, job.id))).toHaveLength(1);
    });
  });

  it('a row the service refuses at commit time is rolled back alone and reported', async () => {
    const job = await uploaded(
      fx,
      'manager',
      'organisations',
      'ID externe;Nom;Type\nRACE-1;Course;investor\nRACE-2;Fine;investor\n',
    );
    const message = await commit(job.id);
    // Between preview and commit, someone else takes the external id (a real unique violation at commit).
    await createRecordAs(fx, 'otherUser', 'organisations', {
      name: 'Faster',
      types: ['investor'],
      externalId: 'RACE-1',
    });
    await deliver(message);
    const done = await jobOf(job.id);
    // Recomputed in the transaction: the planner now sees the (invisible) record and rejects the row.
    expect(done).toMatchObject({ status: 'completed', created: 1, rejected: 1 });
    expect(done.errors).toEqual([{ row: 2, reasons: ['A matching record exists outside your scope'] }]);
  });
});

describe('commit: people linked to organisations', () => {
  it('upserts by work email, links organisations by name (case/accent-insensitive) or domain, rejects unknown ones', async () => {
    const sgg = await createRecordAs(fx, 'manager', 'organisations', {
      name: 'Société Générale Gestion',
      types: ['investor'],
    });
    const leman = await createRecordAs(fx, 'manager', 'organisations', {
      name: 'Banque du Léman',
      types: ['distributor'],
      website: 'https://www.leman.ch',
      websiteDomain: 'leman.ch',
    });
    for (const name of ['Doublon SA', 'DOUBLON SA']) {
      await createRecordAs(fx, 'manager', 'organisations', { name, types: ['investor'] });
    }
    await createRecordAs(fx, 'otherUser', 'organisations', { name: 'Ailleurs SA', types: ['investor'] });
    const anne = await createRecordAs(fx, 'manager', 'people', {
      firstName: 'Anne',
      lastName: 'Durand',
      workEmail: 'anne.durand@exemple.fr',
    });
    const previous = await createRecordAs(fx, 'manager', 'organisations', {
      name: 'Ancien Employeur',
      types: ['investor'],
    });
    await createRecordAs(fx, 'manager', 'affiliations', {
      personId: anne,
      organisationId: previous,
      isPrimary: true,
    });

    const csv = [
      'Prénom,Nom,E-mail,Société,Fonction',
      'Claire,Martin,claire.martin@sgg.fr,societe generale GESTION,Directrice des investissements',
      'Jean,Dupont,jean.dupont@leman.ch,leman.ch,',
      'Anne,Durand,ANNE.DURAND@exemple.fr,Banque du Léman,Gérante',
      'Paul,Inconnu,paul@nulle-part.fr,Nulle Part SA,',
      'Marie,Twin,marie@twin.fr,Doublon SA,',
      'Zoé,Cachée,zoe@ailleurs.fr,Ailleurs SA,',
      'Bob,,bob@exemple.fr,,',
      'Sans,Société,sans@exemple.fr,,Analyste',
    ].join('\n');
    const job = await uploaded(fx, 'manager', 'people', csv);
    expect(job.mapping).toMatchObject({ Société: 'organisation', 'E-mail': 'workEmail', Nom: 'lastName' });
    expect(job.preview.totals).toEqual({ rows: 8, create: 3, update: 1, unchanged: 0, reject: 4 });
    const anneRow = job.preview.data.find((row) => row.row === 4);
    expect(anneRow).toMatchObject({
      action: 'update',
      matchedBy: 'workEmail',
      matchId: anne,
      changes: ['jobTitle', 'organisation'],
    });
    const reasons = Object.fromEntries(job.preview.data.map((row) => [row.row, row.reasons]));
    expect(reasons[5]).toEqual([expect.stringContaining('no organisation named "Nulle Part SA"')]);
    expect(reasons[6]).toEqual([expect.stringContaining('2 organisations match "Doublon SA"')]);
    // An organisation outside the scope is unknown, exactly like a missing one.
    expect(reasons[7]).toEqual([expect.stringContaining('no organisation named "Ailleurs SA"')]);
    expect(reasons[8]).toEqual([expect.stringMatching(/^lastName \("Nom"\): /)]);

    await deliver(await commit(job.id));
    expect(await jobOf(job.id)).toMatchObject({ status: 'completed', created: 3, updated: 1, rejected: 4 });

    await withDb(async (db) => {
      const imported = await db
        .select()
        .from(people)
        .where(
          inArray(people.workEmail, ['claire.martin@sgg.fr', 'jean.dupont@leman.ch', 'sans@exemple.fr']),
        );
      expect(imported).toHaveLength(3);
      const claire = imported.find((person) => person.firstName === 'Claire');
      const jean = imported.find((person) => person.firstName === 'Jean');
      const links = await db
        .select()
        .from(affiliations)
        .where(inArray(affiliations.personId, [claire?.id ?? '', jean?.id ?? '', anne]));
      const of = (personId: string | undefined) =>
        links
          .filter((link) => link.personId === personId)
          .map((link) => ({
            organisationId: link.organisationId,
            isPrimary: link.isPrimary,
            roleTitle: link.roleTitle,
          }));
      expect(of(claire?.id)).toEqual([
        { organisationId: sgg, isPrimary: true, roleTitle: 'Directrice des investissements' },
      ]);
      expect(of(jean?.id)).toEqual([{ organisationId: leman, isPrimary: true, roleTitle: null }]);
      // Anne keeps her primary affiliation; the new one is secondary.
      expect(of(anne).sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary))).toEqual([
        { organisationId: previous, isPrimary: true, roleTitle: null },
        { organisationId: leman, isPrimary: false, roleTitle: 'Gérante' },
      ]);
      const [updated] = await db.select().from(people).where(eq(people.id, anne));
      expect(updated).toMatchObject({ jobTitle: 'Gérante', workEmail: 'anne.durand@exemple.fr', version: 2 });
      const events = await db
        .select({ type: outboxEvents.type })
        .from(outboxEvents)
        .where(eq(outboxEvents.entityType, 'affiliation'));
      expect(events.filter((event) => event.type === 'affiliation.created').length).toBeGreaterThanOrEqual(3);
    });

    // Importing the same file again: nothing new (the affiliations exist, values are the same).
    const second = await uploaded(fx, 'manager', 'people', csv);
    expect(second.preview.totals).toEqual({ rows: 8, create: 0, update: 0, unchanged: 4, reject: 4 });
  });
});

describe('never a half import', () => {
  it('a connection lost mid-import leaves zero rows; the retry imports everything once', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => `Crash ${String(i).padStart(3, '0')};investor`);
    const job = await uploaded(fx, 'manager', 'organisations', `Nom;Type\n${rows.join('\n')}\n`);
    const message = await commit(job.id);
    const crashCount = () =>
      withDb(
        async (db) =>
          (await db.select({ n: count() }).from(organisations).where(like(organisations.name, 'Crash %')))[0]
            ?.n,
      );
    const outboxBefore = await withDb(
      async (db) => (await db.select({ n: count() }).from(outboxEvents))[0]?.n,
    );

    const running = deliver(message);
    // Progress is written through another connection, so it shows while the transaction is open…
    const progress = await waitFor(async () => {
      const current = await jobOf(job.id);
      return current.processed >= 100 ? current : undefined;
    });
    expect(progress.status).toBe('running');
    expect(progress.heartbeatAt).toBeInstanceOf(Date);
    // …while none of the rows is visible yet.
    expect(await crashCount()).toBe(0);
    // The worker loses its database connection (as when the isolate dies or Neon restarts):
    // end the backend that holds the import's transaction, from another connection.
    const killed = await withDb(async (db) => {
      const result = await db.execute<{ pid: number; terminated: boolean }>(sql`
        select pid, pg_terminate_backend(pid) as terminated from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null
        order by xact_start limit 1`);
      return result.rows;
    });
    expect(killed).toEqual([{ pid: expect.any(Number), terminated: true }]);

    const first = await running;
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages).toEqual([{ msgId: `${message.id}#1` }]);
    expect(first.delays).toEqual({ [`${message.id}#1`]: retryDelaySeconds(1) });
    const interrupted = await jobOf(job.id);
    expect(interrupted).toMatchObject({ status: 'queued', processed: 0, created: 0, attempts: 1 });
    expect(interrupted.error).toMatch(/interrupted and nothing was saved/);
    expect(await crashCount()).toBe(0);
    expect(await withDb(async (db) => (await db.select({ n: count() }).from(outboxEvents))[0]?.n)).toBe(
      outboxBefore,
    );

    // The queue redelivers: the import starts over and completes, each row exactly once.
    const second = await deliver(message, 2);
    expect(second.explicitAcks).toEqual([`${message.id}#2`]);
    expect(await jobOf(job.id)).toMatchObject({
      status: 'completed',
      created: 600,
      processed: 600,
      attempts: 2,
      error: null,
    });
    expect(await crashCount()).toBe(600);
    // One `import.completed`: the interrupted attempt left no event behind.
    const events = await withDb((db) =>
      db.select({ type: outboxEvents.type }).from(outboxEvents).where(eq(outboxEvents.entityId, job.id)),
    );
    expect(events).toEqual([{ type: 'import.completed' }]);
  });

  it('a second delivery while one runs (advisory lock held) is retried, not run twice', async () => {
    const job = await uploaded(fx, 'manager', 'organisations', 'Nom;Type\nVerrou SA;investor\n');
    const message = await commit(job.id);
    const handle = testDbHandle(database.url);
    try {
      await handle.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`import:${job.id}`}, 0))`);
        const busy = await deliver(message);
        expect(busy.retryMessages).toEqual([{ msgId: `${message.id}#1` }]);
        // The dead-letter path does not fail a job someone is running either.
        await deliver(message, 1, 'imports-dlq');
      });
    } finally {
      await handle.close();
    }
    expect((await jobOf(job.id)).status).toBe('queued');
    await deliver(message, 2);
    expect(await jobOf(job.id)).toMatchObject({ status: 'completed', created: 1 });
  });

  it('after the last retry the dead-letter consumer marks the job failed; a late delivery imports nothing', async () => {
    const job = await uploaded(fx, 'manager', 'organisations', 'Nom;Type\nMort SA;investor\n');
    const message = await commit(job.id);
    // The last attempt fails (Postgres unreachable): the message goes to the dead-letter queue.
    expectErrorLogs();
    const last = await runQueueBatch(
      'imports',
      [queueMessage('m-last', message, QUEUES.imports.maxRetries + 1)],
      {
        DATABASE_URL: 'postgres://postgres:x@127.0.0.1:1/none',
      },
    );
    expect(last.retryMessages).toEqual([{ msgId: 'm-last' }]);
    expect(last.delays).toEqual({ 'm-last': null });

    const dead = await deliver(message, 1, 'imports-dlq');
    expect(dead.explicitAcks).toEqual([`${message.id}#1`]);
    const failed = await jobOf(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/nothing was imported/);
    await withDb(async (db) => {
      const [letter] = await db
        .select()
        .from(deadLetters)
        .where(eq(deadLetters.messageId, `imports:${message.id}`));
      expect(letter?.body).toEqual(message);
      const audit = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, job.id), eq(auditLog.action, 'import.failed')));
      expect(audit).toHaveLength(1);
      const events = await db.select().from(outboxEvents).where(eq(outboxEvents.entityId, job.id));
      expect(events).toEqual([
        expect.objectContaining({
          type: 'import.failed',
          entityType: 'import',
          actorId: fx.users.manager.id,
          ownerId: fx.users.manager.id,
          payload: expect.objectContaining({ created: 0, updated: 0, rejected: 0 }),
        }),
      ]);
    });
    // A straggling delivery finds the job settled.
    await deliver(message, 2);
    expect((await jobOf(job.id)).status).toBe('failed');
    await withDb(async (db) => {
      expect(await db.select().from(organisations).where(eq(organisations.name, 'Mort SA'))).toEqual([]);
    });
    const report = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/errors.csv`);
    expect(report.status).toBe(409);
  });

  it('a job whose file disappeared fails at once with a clear error (no retries)', async () => {
    const logs = expectErrorLogs();
    const job = await uploaded(fx, 'manager', 'organisations', 'Nom;Type\nFantôme;investor\n');
    const message = await commit(job.id);
    await env.EXPORTS_BUCKET.delete(`imports/${job.id}/rows.json`);
    const result = await deliver(message);
    expect(result.explicitAcks).toEqual([`${message.id}#1`]);
    const failed = await jobOf(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/no longer available/);
    const events = await withDb((db) =>
      db.select({ type: outboxEvents.type }).from(outboxEvents).where(eq(outboxEvents.entityId, job.id)),
    );
    expect(events).toEqual([{ type: 'import.failed' }]);
    expect(logs.some((args) => String(args[0]).includes('import.failed'))).toBe(true);
  });

  it('a message for a job not committed yet is retried; one for an unknown job is settled', async () => {
    const job = await uploaded(fx, 'manager', 'organisations', 'Nom;Type\nPas encore;investor\n');
    const early = await deliver({ id: `import:${job.id}`, type: 'import.commit', jobId: job.id });
    expect(early.retryMessages).toHaveLength(1);
    expect((await jobOf(job.id)).status).toBe('uploaded');
    const unknown = crypto.randomUUID();
    const ghost = await deliver({ id: `import:${unknown}`, type: 'import.commit', jobId: unknown });
    expect(ghost.explicitAcks).toHaveLength(1);
  });
});

describe('a real queue', () => {
  it('POST /commit sends to IMPORTS_QUEUE and the consumer completes the import', async () => {
    // The local queue's consumer uses the shared test database: run this flow there.
    const shared = await createIdentityFixture(env.DATABASE_URL ?? '');
    const name = `Réel ${crypto.randomUUID()}`;
    const upload = await shared.as('manager', '/api/v1/imports?entity=organisations', {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: `Nom;Type;Ville\n${name};investor;Paris\n`,
    });
    expect(upload.status).toBe(201);
    const job = (await upload.json()) as ImportJobBody;
    const queued = await shared.as('manager', `/api/v1/imports/${job.id}/commit`, { method: 'POST' });
    expect(queued.status).toBe(202);
    const done = await waitFor(async () => {
      const response = await shared.as('manager', `/api/v1/imports/${job.id}`);
      const body = (await response.json()) as ImportJobBody;
      return body.status === 'completed' ? body : undefined;
    });
    expect(done).toMatchObject({ created: 1, rejected: 0, processed: 1 });
    const handle = testDbHandle(env.DATABASE_URL);
    try {
      const rows = await handle.db.select().from(organisations).where(eq(organisations.name, name));
      expect(rows).toHaveLength(1);
      expect(rows[0]?.ownerId).toBe(shared.users.manager.id);
    } finally {
      await handle.close();
    }
  });
});
