// The demo seed against a real (embedded) Postgres through the Neon proxy, like
// `npm start`: deterministic, idempotent, a slice for every demo role, mandate
// numbers consistent with their counters, refused in production; and the SQL
// of the bench generator, on small counts.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPool } from '../../scripts/local/db';
import { type NeonProxy, startNeonProxy } from '../../scripts/local/neon-proxy';
import { type LocalPostgres, startPostgres } from '../../scripts/local/postgres';
import { migrate } from '../../scripts/migrate';
import { parseBenchArgs, type SeedResult, seed, seedBenchData } from '../../scripts/seed';

const TODAY = new Date('2026-11-18T10:00:00Z'); // a Wednesday
let dataDir: string;
let pg: LocalPostgres;
let proxy: NeonProxy;
const urlOf = (database: string) => pg.url.replace(/\/[^/?]+(\?|$)/, `/${database}$1`);

async function sql<T extends Record<string, unknown>>(
  database: string,
  text: string,
  params: unknown[] = [],
) {
  return withPool({ databaseUrl: urlOf(database), wsProxy: proxy.wsProxy, max: 1 }, async (pool) => {
    const { rows } = await pool.query(text, params);
    return rows as T[];
  });
}

const TABLES = [
  'organisations',
  'people',
  'affiliations',
  'mandates',
  'interactions',
  'interaction_participants',
  'tasks',
  'stage_history',
  'timeline_events',
  'outbox_events',
] as const;
type Counts = Record<(typeof TABLES)[number], number>;

async function counts(database: string): Promise<Counts> {
  const [row] = await sql<Counts>(
    database,
    `select ${TABLES.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`,
  );
  return row as Counts;
}

/** Everything a user would see, with owners by email (user ids differ between databases). */
async function fingerprint(database: string): Promise<string> {
  const [row] = await sql<{ orgs: string; people: string; mandates: string; tasks: string }>(
    database,
    `select
       (select md5(string_agg(concat_ws('|', o.id, o.external_id, o.name, o.city, o.status, o.website, o.aum_amount,
                                        o.tags::text, u.email, o.created_at), ',' order by o.external_id))
          from organisations o join users u on u.id = o.owner_id) as orgs,
       (select md5(string_agg(concat_ws('|', p.id, p.first_name, p.last_name, p.work_email, p.job_title, p.consent_status),
                              ',' order by p.external_id)) from people p) as people,
       (select md5(string_agg(concat_ws('|', m.number, m.status, m.proposed_at, m.signed_at, m.start_date, m.end_date,
                                        m.amount), ',' order by m.number)) from mandates m) as mandates,
       (select md5(string_agg(concat_ws('|', t.id, t.title, t.status, t.due_date, u.email), ',' order by t.id))
          from tasks t join users u on u.id = t.assignee_id) as tasks`,
  );
  return JSON.stringify(row);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'alforis-seed-test-'));
  await chmod(dataDir, 0o755); // embedded Postgres runs as `postgres` when we are root
  [pg, proxy] = await Promise.all([
    startPostgres({ dataDir: join(dataDir, 'pg'), database: 'seed_template' }),
    startNeonProxy(),
  ]);
  await migrate({ databaseUrl: pg.url, wsProxy: proxy.wsProxy });
  for (const name of ['seed_a', 'seed_b']) {
    await sql('postgres', `create database ${name} template seed_template`);
  }
});

afterAll(async () => {
  await proxy?.stop();
  await pg?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('demo seed', () => {
  let first: SeedResult;

  it('writes the dataset once, the same on every database (deterministic)', async () => {
    first = await seed({ databaseUrl: urlOf('seed_a'), wsProxy: proxy.wsProxy, today: TODAY, log: () => {} });
    const other = await seed({
      databaseUrl: urlOf('seed_b'),
      wsProxy: proxy.wsProxy,
      today: TODAY,
      log: () => {},
    });
    expect(first.crmSeeded).toBe(true);
    expect(first.usersCreated).toBe(6);
    expect(other.rows).toEqual(first.rows);

    const a = await counts('seed_a');
    expect(a).toEqual(await counts('seed_b'));
    expect(a.organisations).toBeGreaterThanOrEqual(280);
    expect(a.organisations).toBeLessThanOrEqual(320);
    expect(a.people).toBeGreaterThanOrEqual(550);
    expect(a.people).toBeLessThanOrEqual(700);
    expect(a.mandates).toBe(150);
    expect(a.interactions).toBe(800);
    expect(a.tasks).toBe(300);
    // Seeding is not a domain change: nothing for webhooks or notifications.
    expect(a.outbox_events).toBe(0);

    expect(await fingerprint('seed_a')).toBe(await fingerprint('seed_b'));
    const names = (db: string) =>
      sql<{ name: string }>(db, 'select name from organisations order by lower(name), id limit 10');
    expect(await names('seed_a')).toEqual(await names('seed_b'));
  });

  it('is idempotent: a second run writes nothing', async () => {
    const before = await counts('seed_a');
    const fp = await fingerprint('seed_a');
    const again = await seed({
      databaseUrl: urlOf('seed_a'),
      wsProxy: proxy.wsProxy,
      today: TODAY,
      log: () => {},
    });
    expect(again.crmSeeded).toBe(false);
    expect(again.usersCreated).toBe(0);
    expect(await counts('seed_a')).toEqual(before);
    expect(await fingerprint('seed_a')).toBe(fp);
  });

  it('gives every demo user a non-empty slice of their own scope', async () => {
    const rows = await sql<{
      email: string;
      role_id: string;
      own: number;
      team: number;
      all_orgs: number;
      tasks: number;
      interactions: number;
    }>(
      'seed_a',
      `select u.email, u.role_id,
              (select count(*)::int from organisations o where o.owner_id = u.id) as own,
              (select count(*)::int from organisations o where o.team_id = u.team_id) as team,
              (select count(*)::int from organisations) as all_orgs,
              (select count(*)::int from tasks t where t.assignee_id = u.id and t.status in ('todo', 'in_progress')) as tasks,
              (select count(*)::int from interactions i where i.team_id = u.team_id) as interactions
         from users u order by u.email`,
    );
    expect(rows).toHaveLength(6);
    for (const u of rows) {
      // What each role's list shows: own records (User), the team's (Manager, Viewer), all (Admin).
      const visible = u.role_id === 'user' ? u.own : u.role_id === 'admin' ? u.all_orgs : u.team;
      expect(visible, u.email).toBeGreaterThan(20);
      expect(u.interactions, u.email).toBeGreaterThan(50);
      if (u.role_id !== 'viewer') expect(u.tasks, u.email).toBeGreaterThan(3);
      if (u.role_id === 'user') expect(u.own).toBeLessThan(u.team);
      if (u.role_id === 'manager') expect(u.team).toBeLessThan(u.all_orgs);
    }
    // The two teams see different records.
    const managers = rows.filter((u) => u.role_id === 'manager');
    expect(managers).toHaveLength(2);
    expect(managers[0]?.team).not.toBe(0);
    expect((managers[0]?.team ?? 0) + (managers[1]?.team ?? 0)).toBe(rows[0]?.all_orgs);
  });

  it('keeps records coherent: owners, emails, dates, stages', async () => {
    const [check] = await sql<Record<string, number>>(
      'seed_a',
      `select
         -- people belong to their organisation's owner and team, and their email matches its domain
         (select count(*)::int from affiliations a join people p on p.id = a.person_id
            join organisations o on o.id = a.organisation_id
           where a.is_primary and a.end_date is null
             and (p.owner_id <> o.owner_id or p.team_id is distinct from o.team_id
                  or split_part(p.work_email, '@', 2) <> o.website_domain)) as foreign_people,
         (select count(*)::int from people p where not exists (
            select 1 from affiliations a where a.person_id = p.id and a.is_primary and a.end_date is null))
           as without_current,
         (select count(*)::int from people) as people,
         (select count(*)::int from affiliations where end_date is not null and end_date < start_date) as bad_affiliations,
         (select count(*)::int from (select person_id from affiliations where end_date is not null group by 1) x)
           as with_history,
         (select count(*)::int from organisations where pipeline_stage_id is not null) as staged,
         (select count(*)::int from organisations o where pipeline_stage_id is not null and not exists (
            select 1 from stage_history h where h.organisation_id = o.id and h.to_stage_id = o.pipeline_stage_id))
           as stage_without_history,
         (select count(*)::int from timeline_events where action = 'created') as created_events,
         (select count(*)::int from organisations) + (select count(*)::int from people)
           + (select count(*)::int from affiliations) + (select count(*)::int from mandates)
           + (select count(*)::int from interactions) + (select count(*)::int from tasks) as records,
         (select count(*)::int from timeline_events e join organisations o on o.id = e.entity_id
           where e.action = 'created' and e.actor_id <> o.owner_id) as foreign_actor,
         (select count(*)::int from mandates where
             (status = 'draft' and proposed_at is not null)
          or (status <> 'draft' and proposed_at is null)
          or (status in ('signed', 'active', 'terminated', 'expired') and (signed_at is null or signed_at < proposed_at))
          or (status in ('active', 'terminated', 'expired') and (start_date is null or start_date < signed_at
                                                               or start_date > date '2026-11-18'))
          or (status in ('terminated', 'expired') and (end_date is null or end_date < start_date
                                                     or end_date > date '2026-11-18'))
          or (status = 'active' and (end_date is not null or next_review_at <= date '2026-11-18'))
          or (status in ('signed', 'proposed') and signed_at > date '2026-11-18')) as bad_mandates,
         (select count(*)::int from tasks where status in ('todo', 'in_progress') and due_date < date '2026-11-18')
           as overdue,
         (select count(*)::int from tasks where status in ('todo', 'in_progress')
            and due_date between date '2026-11-18' and date '2026-11-22') as due_this_week,
         (select count(*)::int from tasks where status = 'done' and completed_at is null) as done_without_date,
         (select count(*)::int from interactions where occurred_at < date '2026-11-18' - interval '549 days')
           as too_old,
         (select count(distinct type)::int from interactions) as interaction_types,
         -- links a real write would accept (ADR 009): visible to the author, mandate of the same organisation
         (select count(*)::int from interactions i join organisations o on o.id = i.organisation_id
            join users u on u.id = i.owner_id where u.role_id = 'user' and o.owner_id <> u.id) as invisible_links,
         (select count(*)::int from interactions i join mandates m on m.id = i.mandate_id
           where m.organisation_id <> i.organisation_id) as mandate_mismatch,
         (select count(*)::int from tasks t join organisations o on o.id = t.organisation_id
           where t.owner_id <> o.owner_id
              or (t.mandate_id is not null and not exists (
                    select 1 from mandates m where m.id = t.mandate_id and m.organisation_id = o.id))
              or (t.person_id is not null and not exists (
                    select 1 from affiliations a where a.person_id = t.person_id and a.organisation_id = o.id)))
           as foreign_tasks,
         (select count(*)::int from tasks t join users a on a.id = t.assignee_id join users o on o.id = t.owner_id
           where a.team_id is distinct from o.team_id) as assignee_outside_team,
         (select count(*)::int from interaction_participants where kind = 'person') as person_participants,
         (select count(*)::int from interaction_participants where kind = 'user') as user_participants`,
    );
    expect(check).toMatchObject({
      foreign_people: 0,
      bad_affiliations: 0,
      stage_without_history: 0,
      foreign_actor: 0,
      bad_mandates: 0,
      done_without_date: 0,
      too_old: 0,
      interaction_types: 5,
      invisible_links: 0,
      mandate_mismatch: 0,
      foreign_tasks: 0,
      assignee_outside_team: 0,
    });
    const c = check as Record<string, number>;
    const people = c.people ?? Number.NaN;
    expect(c.without_current).toBeGreaterThan(0); // some people left their organisation
    expect(c.without_current).toBeLessThan(people * 0.1);
    expect(c.with_history).toBeGreaterThan(people * 0.1);
    expect(c.staged).toBeGreaterThan(100);
    expect(c.created_events).toBe(c.records);
    expect(c.overdue).toBeGreaterThan(10);
    expect(c.due_this_week).toBeGreaterThan(5);
    expect(c.person_participants).toBeGreaterThan(500);
    expect(c.user_participants).toBeGreaterThan(500);
  });

  it('numbers mandates M-<year>-NNN, uniquely, with each counter at the highest number of its year', async () => {
    const numbers = await sql<{ number: string }>('seed_a', 'select number from mandates');
    expect(new Set(numbers.map((m) => m.number)).size).toBe(numbers.length);
    for (const { number } of numbers) expect(number).toMatch(/^M-20\d\d-\d{3,}$/);
    const mismatches = await sql(
      'seed_a',
      `select c.year, c.last, m.max_seq from mandate_number_counters c
         full join (select split_part(number, '-', 2)::int as year, max(split_part(number, '-', 3)::int) as max_seq
                      from mandates group by 1) m on m.year = c.year
        where c.last is distinct from m.max_seq`,
    );
    expect(mismatches).toEqual([]);
    // Numbers follow creation order within a year.
    const disorder = await sql(
      'seed_a',
      `select 1 from (select number, created_at,
                             lag(created_at) over (partition by split_part(number, '-', 2)
                                                   order by split_part(number, '-', 3)::int) as previous
                        from mandates) x
        where previous > created_at`,
    );
    expect(disorder).toEqual([]);
  });

  it('refuses to run in production', async () => {
    await expect(
      seed({
        databaseUrl: urlOf('seed_b'),
        wsProxy: proxy.wsProxy,
        environment: 'production',
        log: () => {},
      }),
    ).rejects.toThrow(/production/);
    const saved = process.env.ENVIRONMENT;
    process.env.ENVIRONMENT = 'production';
    try {
      await expect(
        seed({ databaseUrl: urlOf('seed_b'), wsProxy: proxy.wsProxy, log: () => {} }),
      ).rejects.toThrow(/production/);
      await expect(
        seedBenchData({
          databaseUrl: urlOf('seed_b'),
          wsProxy: proxy.wsProxy,
          counts: { organisations: 10 },
        }),
      ).rejects.toThrow(/production/);
    } finally {
      if (saved === undefined) delete process.env.ENVIRONMENT;
      else process.env.ENVIRONMENT = saved;
    }
  });
});

describe('bench seed', () => {
  it('parses its flags', () => {
    expect(parseBenchArgs(['--organisations', '100000', '--people=300k', '--tasks', '1_000'])).toEqual({
      organisations: 100_000,
      people: 300_000,
      tasks: 1000,
    });
    expect(() => parseBenchArgs(['--planets', '3'])).toThrow(/unknown argument/);
    expect(() => parseBenchArgs(['--people', 'many'])).toThrow(/whole number/);
  });

  it('appends plausible synthetic rows after the demo data, numbering mandates from the counters', async () => {
    const before = await counts('seed_b');
    const lines: string[] = [];
    const { steps } = await seedBenchData({
      databaseUrl: urlOf('seed_b'),
      wsProxy: proxy.wsProxy,
      counts: { organisations: 2000, people: 3000, mandates: 1500, interactions: 1000, tasks: 500 },
      log: (line) => lines.push(line),
    });
    expect(steps.map((s) => [s.table, s.rows])).toEqual([
      ['organisations', 2000],
      ['people', 3000],
      ['mandates', 1500],
      ['interactions', 1000],
      ['tasks', 500],
    ]);
    const after = await counts('seed_b');
    expect(after.organisations - before.organisations).toBe(2000);
    expect(after.people - before.people).toBe(3000);
    expect(after.affiliations - before.affiliations).toBe(3000);
    expect(after.mandates - before.mandates).toBe(1500);
    expect(after.outbox_events).toBe(0);

    const [check] = await sql<Record<string, number | string>>(
      'seed_b',
      `select
         (select count(*)::int from organisations where external_id like 'bench-org-%' and (owner_id is null
            or status not in ('prospect', 'active', 'dormant', 'closed') or website_domain is null)) as bad_orgs,
         (select count(*)::int from people p join affiliations a on a.person_id = p.id
            join organisations o on o.id = a.organisation_id
           where p.external_id like 'bench-%'
             and (split_part(p.work_email, '@', 2) <> o.website_domain or p.owner_id <> o.owner_id
                  or o.external_id not like 'bench-%')) as bad_people,
         (select count(*) - count(distinct number) from mandates)::int as duplicate_numbers,
         (select count(*)::int from mandate_number_counters c
           where c.last <> (select max(split_part(number, '-', 3)::int) from mandates
                             where split_part(number, '-', 2)::int = c.year)) as bad_counters,
         (select count(distinct owner_id)::int from organisations where external_id like 'bench-%') as owners,
         (select min(name) from organisations where external_id like 'bench-%') as a_name`,
    );
    expect(check).toMatchObject({
      bad_orgs: 0,
      bad_people: 0,
      duplicate_numbers: 0,
      bad_counters: 0,
      owners: 5,
    });
    expect(lines.some((l) => /rows\/s/.test(l))).toBe(true);

    // A second run appends after the highest bench- external id.
    await seedBenchData({
      databaseUrl: urlOf('seed_b'),
      wsProxy: proxy.wsProxy,
      counts: { organisations: 10 },
      log: () => {},
    });
    const [last] = await sql<{ id: string }>(
      'seed_b',
      `select max(external_id) as id from organisations where external_id like 'bench-org-%'`,
    );
    expect(last?.id).toBe('bench-org-0002010');
  });
});
