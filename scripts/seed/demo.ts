// The demo CRM dataset, built in memory from a fixed seed: ~300 organisations of
// a French fund-distribution market (investors, distributors, suppliers and
// partners), ~600 people with their affiliations, ~150 mandates across their
// lifecycle, ~800 interactions over the last 18 months, ~300 tasks.
//
// Deterministic: the same seed and the same `today` give byte-identical rows,
// ids included (UUIDs are drawn from the PRNG). Dates are offsets from `today`
// so the demo always has recent activity, overdue tasks and tasks due this week.

import { Random, slug } from './random';
import * as V from './vocabulary';
import { CITIES, type City, KINDS, type KindSpec } from './vocabulary';

export const DEMO_SEED = 'alforis-demo-v1';
/** organisations.external_id prefix of the demo dataset: its presence marks the dataset as written. */
export const DEMO_PREFIX = 'demo-';

export interface SeedUser {
  id: string;
  email: string;
  teamId: string | null;
  /** Users (scope: own records) cannot link records they do not own, so they never log for others. */
  roleId?: string;
}

export interface SeedStage {
  id: string;
  position: number;
  isWon: boolean;
  isLost: boolean;
}

/** Rows of one table, in column order, ready for a multi-row INSERT. */
export interface TableRows {
  table: string;
  columns: readonly string[];
  rows: unknown[][];
}

export interface DemoDataset {
  tables: TableRows[];
  /** mandate_number_counters rows: the highest sequence used per year */
  counters: { year: number; last: number }[];
}

/** Demo owners per team (emails from worker/modules/identity/demo.ts) with their share of the records. */
const OWNER_WEIGHTS: Record<string, number> = {
  'admin@alforis.test': 1,
  'manager@alforis.test': 2,
  'user@alforis.test': 4,
  'manager.lyon@alforis.test': 2,
  'user.lyon@alforis.test': 4,
};

const DAY = 86_400_000;

const COLUMNS = {
  organisations: [
    'id',
    'name',
    'legal_name',
    'types',
    'category',
    'pipeline_stage_id',
    'status',
    'country',
    'city',
    'address',
    'website',
    'website_domain',
    'email',
    'phone',
    'aum_amount',
    'aum_currency',
    'notes',
    'tags',
    'external_id',
    'owner_id',
    'team_id',
    'created_at',
    'updated_at',
  ],
  people: [
    'id',
    'first_name',
    'last_name',
    'work_email',
    'personal_email',
    'work_phone',
    'mobile_phone',
    'job_title',
    'language',
    'city',
    'notes',
    'tags',
    'consent_status',
    'consent_source',
    'consent_at',
    'external_id',
    'owner_id',
    'team_id',
    'created_at',
    'updated_at',
  ],
  affiliations: [
    'id',
    'person_id',
    'organisation_id',
    'role_title',
    'is_primary',
    'start_date',
    'end_date',
    'owner_id',
    'team_id',
    'created_at',
    'updated_at',
  ],
  mandates: [
    'id',
    'number',
    'organisation_id',
    'title',
    'type',
    'status',
    'proposed_at',
    'signed_at',
    'start_date',
    'end_date',
    'next_review_at',
    'amount',
    'currency',
    'management_fee_bps',
    'performance_fee_pct',
    'fee_notes',
    'products',
    'owner_id',
    'team_id',
    'created_at',
    'updated_at',
  ],
  interactions: [
    'id',
    'type',
    'occurred_at',
    'subject',
    'body',
    'organisation_id',
    'mandate_id',
    'owner_id',
    'team_id',
    'created_at',
    'updated_at',
  ],
  interaction_participants: ['interaction_id', 'kind', 'participant_id'],
  tasks: [
    'id',
    'title',
    'description',
    'due_date',
    'priority',
    'status',
    'assignee_id',
    'organisation_id',
    'person_id',
    'mandate_id',
    'completed_at',
    'owner_id',
    'team_id',
    'created_at',
    'updated_at',
  ],
  stage_history: ['id', 'organisation_id', 'from_stage_id', 'to_stage_id', 'actor_id', 'changed_at'],
  timeline_events: ['id', 'entity_type', 'entity_id', 'action', 'actor_id', 'changes', 'occurred_at'],
} as const;

/** Where a region or a local name points to, so "Banque régionale Occitanie" sits in Toulouse. */
const PLACE_HINTS: [RegExp, string][] = [
  [/Île-de-France|Centre-Val de Loire|Normandie/, 'Paris'],
  [/Auvergne-Rhône-Alpes|du Rhône|des Alpes|Bourgogne/, 'Lyon'],
  [/Nouvelle-Aquitaine/, 'Bordeaux'],
  [/Occitanie/, 'Toulouse'],
  [/Hauts-de-France|du Nord/, 'Lille'],
  [/Grand Est/, 'Strasbourg'],
  [/Bretagne|Pays de la Loire|de l’Ouest|de la Loire/, 'Nantes'],
  [/Provence/, 'Marseille'],
];

interface Org {
  id: string;
  name: string;
  kind: KindSpec;
  city: City;
  domain: string;
  status: string;
  ownerId: string;
  teamId: string | null;
  createdAt: Date;
  contacts: Person[];
  mandates: Mandate[];
}

interface Person {
  id: string;
  first: string;
  last: string;
  female: boolean;
  ownerId: string;
  teamId: string | null;
  createdAt: Date;
}

interface Mandate {
  id: string;
  status: string;
}

export function buildDemoDataset(input: {
  users: SeedUser[];
  stages: SeedStage[];
  /** Reference day (UTC); defaults to the current day. */
  today?: Date;
  /** mandate_number_counters as found: demo numbers continue after them. */
  counters?: ReadonlyMap<number, number>;
  seed?: string;
}): DemoDataset {
  const root = new Random(input.seed ?? DEMO_SEED);
  const now = input.today ?? new Date();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const day = (offset: number) => new Date(today.getTime() + offset * DAY);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  /** A working-hours time on that day. */
  const during = (r: Random, d: Date) =>
    new Date(d.getTime() + r.int(8, 18) * 3_600_000 + r.int(0, 11) * 5 * 60_000);
  const min = (a: Date, b: Date) => (a < b ? a : b);
  const max = (a: Date, b: Date) => (a > b ? a : b);

  // --- owners ------------------------------------------------------------------------------
  const owners = input.users.filter((u) => OWNER_WEIGHTS[u.email] !== undefined);
  if (owners.length === 0) {
    throw new Error(
      `no demo owner found: expected some of ${Object.keys(OWNER_WEIGHTS).join(', ')} (run the identity seed first)`,
    );
  }
  const teamIds = [...new Set(owners.map((u) => u.teamId))];
  const teamOf = (u: SeedUser) => u.teamId;
  // Team 1 = the team of the Lyon demo users (if present), team 0 = everything else.
  const lyonTeam = owners.find((u) => u.email.endsWith('.lyon@alforis.test'))?.teamId ?? null;
  const ownersIn = (lyon: boolean) => {
    const list = owners.filter((u) => lyonTeam !== null && (u.teamId === lyonTeam) === lyon);
    return list.length > 0 ? list : owners;
  };
  const pickOwner = (r: Random, lyon: boolean) =>
    r.weighted(ownersIn(lyon).map((u) => [u, OWNER_WEIGHTS[u.email] ?? 1] as const));
  const teammate = (r: Random, owner: SeedUser, opts: { seesTeam?: boolean } = {}) => {
    const mates = owners.filter(
      (u) => u.id !== owner.id && teamOf(u) === teamOf(owner) && !(opts.seesTeam && u.roleId === 'user'),
    );
    return mates.length > 0 && teamIds.length > 0 ? r.pick(mates) : owner;
  };
  const userById = new Map(owners.map((u) => [u.id, u]));

  // --- stages ------------------------------------------------------------------------------
  const ordered = [...input.stages].sort((a, b) => a.position - b.position);
  const open = ordered.filter((s) => !s.isWon && !s.isLost);
  const won = ordered.find((s) => s.isWon);
  const lost = ordered.find((s) => s.isLost);

  const tables = {} as Record<keyof typeof COLUMNS, TableRows>;
  for (const table of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
    tables[table] = { table, columns: COLUMNS[table], rows: [] };
  }
  const ids = root.fork('ids');
  const timeline = (entityType: string, entityId: string, actorId: string, at: Date, action = 'created') => {
    // changes stay null: the rows were not typed by anyone, there is no before/after to show.
    tables.timeline_events.rows.push([ids.uuid(), entityType, entityId, action, actorId, null, at]);
  };

  // --- organisations -----------------------------------------------------------------------
  const r = root.fork('organisations');
  const orgs: Org[] = [];
  const names = new Set<string>();
  const domains = new Set<string>();
  const cityByName = new Map(CITIES.map((c) => [c.name, c]));
  let orgSeq = 0;
  for (const kind of KINDS) {
    for (let i = 0; i < kind.count; i++) {
      let built = kind.name(r);
      for (let attempt = 0; names.has(built.name) && attempt < 30; attempt++) built = kind.name(r);
      if (names.has(built.name)) continue;
      names.add(built.name);

      const hinted = PLACE_HINTS.find(([re]) => re.test(built.name))?.[1];
      const international = kind.kind === 'depositaire' || kind.kind === 'societe_gestion';
      const city =
        (hinted && cityByName.get(hinted)) ||
        r.weighted(
          CITIES.map(
            (c) => [c, c.country === 'FR' || international || kind.kind !== 'banque' ? c.weight : 0] as const,
          ),
        );
      const tld =
        city.country !== 'FR'
          ? city.tld
          : ['plateforme', 'societe_gestion', 'consultant', 'depositaire'].includes(kind.kind) &&
              r.chance(0.4)
            ? 'com'
            : 'fr';
      let domain = `${built.domain}.${tld}`;
      if (domains.has(domain)) domain = `${built.domain}-${slug(city.name)}.${tld}`;
      domains.add(domain);

      const status = r.weighted(kind.statuses);
      const lyon = r.chance(Math.min(0.95, Math.max(0.05, kind.lyon + (city.team === 1 ? 0.35 : -0.15))));
      const owner = pickOwner(r, lyon);
      const age = status === 'active' ? r.int(200, 1100) : r.int(30, 900);
      const createdAt = during(r, day(-age));

      // Pipeline: prospects move through the open stages, clients were won, closed ones lost.
      let stagePath: SeedStage[] = [];
      if (open.length > 0 && r.chance(kind.inPipeline)) {
        const upTo = (n: number) => open.slice(0, Math.max(1, Math.min(n, open.length)));
        if (status === 'prospect')
          stagePath = upTo(
            r.weighted([
              [1, 4],
              [2, 3],
              [3, 2],
              [4, 2],
              [5, 1],
            ]),
          );
        else if (status === 'active' && won) stagePath = [...upTo(r.int(2, open.length)), won];
        else if (status === 'active') stagePath = upTo(open.length);
        else if (lost) stagePath = [...upTo(r.int(1, 3)), lost];
        // Skipped steps are normal: a qualified lead can jump straight to a proposal.
        stagePath = stagePath.filter(
          (_stage, idx) => idx === 0 || idx === stagePath.length - 1 || r.chance(0.75),
        );
      }
      const changes: Date[] = [];
      let when = createdAt;
      const span = Math.max(1, Math.round((today.getTime() - createdAt.getTime()) / DAY) - 1);
      for (let s = 0; s < stagePath.length; s++) {
        if (s > 0) {
          const step = Math.max(1, Math.round(span / (stagePath.length + 1)));
          when = min(during(r, new Date(when.getTime() + r.int(Math.ceil(step / 2), step) * DAY)), day(0));
        }
        changes.push(when);
      }
      const lastChange = changes[changes.length - 1] ?? createdAt;
      const updatedAt = max(
        lastChange,
        r.chance(0.4) ? min(during(r, day(-r.int(1, 120))), day(0)) : createdAt,
      );

      const aum = kind.aum ? r.logAmount(kind.aum[0], kind.aum[1], 1e6) : null;
      const currency = aum === null ? null : city.country === 'CH' && r.chance(0.5) ? 'CHF' : 'EUR';
      const streetNumber = r.int(1, 120);
      const postcode = r.pick(city.postcodes);
      const id = ids.uuid();
      orgSeq++;
      const org: Org = {
        id,
        name: built.name,
        kind,
        city,
        domain,
        status,
        ownerId: owner.id,
        teamId: owner.teamId,
        createdAt,
        contacts: [],
        mandates: [],
      };
      orgs.push(org);
      tables.organisations.rows.push([
        id,
        built.name,
        built.legal,
        [...kind.types],
        kind.category,
        stagePath[stagePath.length - 1]?.id ?? null,
        status,
        city.country,
        city.name,
        `${streetNumber} ${r.pick(city.streets)}, ${postcode} ${city.name}`,
        `https://www.${domain}`,
        domain,
        `${city.country === 'FR' ? 'contact' : 'info'}@${domain}`,
        city.landline(r),
        aum === null ? null : aum.toFixed(2),
        currency,
        r.chance(0.25) ? orgNote(r, kind, city) : null,
        r.sample(
          V.ORG_TAGS,
          r.weighted([
            [0, 3],
            [1, 4],
            [2, 3],
            [3, 1],
          ]),
        ),
        `${DEMO_PREFIX}org-${String(orgSeq).padStart(4, '0')}`,
        owner.id,
        owner.teamId,
        createdAt,
        updatedAt,
      ]);
      timeline('organisation', id, owner.id, createdAt);
      let from: string | null = null;
      for (const [s, stage] of stagePath.entries()) {
        const at = changes[s] as Date;
        tables.stage_history.rows.push([ids.uuid(), id, from, stage.id, owner.id, at]);
        if (s > 0) timeline('organisation', id, owner.id, at, 'stage_changed');
        from = stage.id;
      }
    }
  }

  // --- people and affiliations -----------------------------------------------------------------
  const rp = root.fork('people');
  const people: Person[] = [];
  let personSeq = 0;
  const addAffiliation = (
    person: Person,
    org: Org,
    role: string,
    primary: boolean,
    start: Date,
    end: Date | null,
  ) => {
    tables.affiliations.rows.push([
      ids.uuid(),
      person.id,
      org.id,
      role,
      primary,
      iso(start),
      end ? iso(end) : null,
      person.ownerId,
      person.teamId,
      person.createdAt,
      person.createdAt,
    ]);
    timeline('affiliation', tables.affiliations.rows.at(-1)?.[0] as string, person.ownerId, person.createdAt);
  };
  for (const org of orgs) {
    const emailStyle = rp.weighted([
      ['first.last', 6],
      ['f.last', 3],
      ['flast', 1],
    ] as const);
    const used = new Set<string>();
    const headcount = rp.int(org.kind.contacts[0], org.kind.contacts[1]);
    for (let i = 0; i < headcount; i++) {
      const female = rp.chance(0.5);
      const first = rp.pick(female ? V.FIRST_NAMES_F : V.FIRST_NAMES_M);
      const last = rp.pick(V.LAST_NAMES);
      const f = slug(first, '');
      const l = slug(last, '');
      let local =
        emailStyle === 'first.last'
          ? `${slug(first)}.${l}`
          : `${f[0]}${emailStyle === 'f.last' ? '.' : ''}${l}`;
      if (used.has(local)) local = `${slug(first)}.${l}${i + 1}`;
      used.add(local);
      const title = V.titleFor(i === 0 ? (org.kind.titles[0] as V.Title) : rp.pick(org.kind.titles), female);
      const createdAt = min(during(rp, new Date(org.createdAt.getTime() + rp.int(0, 200) * DAY)), day(-1));
      const consent = rp.weighted([
        ['granted', 45],
        ['unknown', 35],
        ['denied', 8],
        ['withdrawn', 7],
      ] as const);
      const consentAt =
        consent === 'unknown'
          ? null
          : min(during(rp, new Date(createdAt.getTime() + rp.int(0, 90) * DAY)), day(0));
      const source =
        consent === 'granted'
          ? rp.pick([
              'Formulaire signé en rendez-vous',
              'Inscription à la newsletter',
              'Salon Patrimonia',
              'Email de confirmation',
              'Conférence annuelle Alforis',
            ])
          : consent === 'denied'
            ? 'Refus exprimé par email'
            : consent === 'withdrawn'
              ? rp.pick(['Désinscription de la newsletter', 'Demande par téléphone'])
              : null;
      const language =
        org.city.country === 'BE' && rp.chance(0.25)
          ? 'nl'
          : org.city.country === 'LU' && rp.chance(0.25)
            ? rp.pick(['de', 'en'])
            : org.city.country === 'CH' && rp.chance(0.2)
              ? rp.pick(['de', 'en', 'it'])
              : rp.chance(0.04)
                ? 'en'
                : 'fr';
      personSeq++;
      const person: Person = {
        id: ids.uuid(),
        first,
        last,
        female,
        ownerId: org.ownerId,
        teamId: org.teamId,
        createdAt,
      };
      people.push(person);
      const personal = rp.chance(0.1)
        ? `${slug(first)}.${l}@${rp.pick(['gmail.com', 'orange.fr', 'free.fr', 'outlook.fr'])}`
        : null;
      tables.people.rows.push([
        person.id,
        first,
        last,
        `${local}@${org.domain}`,
        personal,
        org.city.landline(rp),
        rp.chance(0.6) ? V.mobileFor(org.city.country, rp) : null,
        title,
        language,
        org.city.name,
        rp.chance(0.15) ? personNote(rp, female) : null,
        rp.sample(
          V.PERSON_TAGS,
          rp.weighted([
            [0, 5],
            [1, 4],
            [2, 1],
          ]),
        ),
        consent,
        source,
        consentAt,
        `${DEMO_PREFIX}person-${String(personSeq).padStart(4, '0')}`,
        person.ownerId,
        person.teamId,
        createdAt,
        consentAt ? max(consentAt, createdAt) : createdAt,
      ]);
      timeline('person', person.id, person.ownerId, createdAt);

      const start = day(-rp.int(200, 4000));
      const leftRecently = rp.chance(0.04);
      if (rp.chance(0.2) || leftRecently) {
        // A previous employer, ended: people move between investors, banks and distributors.
        const previous = rp.pick(orgs.filter((o) => o !== org));
        const prevStart = new Date(start.getTime() - rp.int(400, 3000) * DAY);
        addAffiliation(
          person,
          previous,
          V.titleFor(rp.pick(previous.kind.titles), female),
          false,
          prevStart,
          new Date(start.getTime() - DAY),
        );
      }
      if (leftRecently) {
        // Left this organisation recently: the affiliation is history, nobody current.
        addAffiliation(person, org, title, false, start, min(day(-rp.int(5, 150)), day(-1)));
      } else {
        addAffiliation(person, org, title, true, start, null);
        org.contacts.push(person);
      }
    }
  }

  // --- mandates -----------------------------------------------------------------------------------
  const rm = root.fork('mandates');
  const plan: [string, number][] = [
    ['draft', 12],
    ['proposed', 20],
    ['signed', 10],
    ['active', 80],
    ['terminated', 14],
    ['expired', 14],
  ];
  const clientKinds = (o: Org) => o.kind.types.includes('investor') || o.kind.types.includes('distributor');
  const clients = orgs.filter((o) => clientKinds(o) && o.status === 'active');
  const prospects = orgs.filter((o) => clientKinds(o) && o.status === 'prospect');
  const formerClients = orgs.filter(
    (o) => clientKinds(o) && (o.status === 'dormant' || o.status === 'active'),
  );
  interface MandateDraft {
    row: unknown[];
    createdAt: Date;
    org: Org;
    mandate: Mandate;
  }
  const drafts: MandateDraft[] = [];
  for (const [status, count] of plan) {
    for (let i = 0; i < count; i++) {
      const pool =
        status === 'draft' || status === 'proposed'
          ? prospects.concat(clients)
          : status === 'terminated' || status === 'expired'
            ? formerClients
            : clients;
      if (pool.length === 0) continue;
      const org = rm.pick(pool);
      const distributor = org.kind.types.includes('distributor') && !org.kind.types.includes('investor');
      const type = distributor
        ? rm.weighted([
            ['distribution', 9],
            ['advisory', 1],
          ] as const)
        : org.kind.kind === 'family_office'
          ? rm.weighted([
              ['advisory', 4],
              ['discretionary', 4],
              ['dedicated_fund', 1],
              ['other', 1],
            ] as const)
          : rm.weighted([
              ['discretionary', 6],
              ['dedicated_fund', 3],
              ['advisory', 2],
              ['other', 1],
            ] as const);
      // Each date as an offset in days from the creation, then the whole story is placed so
      // that its latest past event happened `age` days ago (a signed mandate starts later).
      const age = status === 'draft' ? rm.int(2, 90) : status === 'signed' ? rm.int(1, 30) : rm.int(10, 700);
      const proposed = status === 'draft' ? null : rm.int(3, 40);
      const signed = proposed === null || status === 'proposed' ? null : proposed + rm.int(20, 120);
      const start =
        signed === null
          ? null
          : status === 'signed'
            ? rm.chance(0.6)
              ? signed + age + rm.int(5, 60)
              : null
            : signed + rm.int(0, 45);
      const end =
        start === null
          ? null
          : status === 'terminated'
            ? start + rm.int(180, 900)
            : status === 'expired'
              ? start + 365 * rm.int(1, 3)
              : null;
      const lastPast = end ?? (status === 'signed' ? signed : start) ?? proposed ?? 0;
      const created = -age - lastPast;
      const at = (offset: number | null) => (offset === null ? null : iso(day(created + offset)));
      const nextReview =
        status === 'active'
          ? iso(
              day(
                rm.weighted([
                  [rm.int(1, 30), 2],
                  [rm.int(31, 365), 8],
                ] as const),
              ),
            )
          : null;
      const amount = type === 'distribution' && rm.chance(0.5) ? null : rm.logAmount(5e6, 5e8, 1e5);
      const fee =
        type === 'distribution'
          ? rm.int(40, 90)
          : type === 'advisory'
            ? rm.int(5, 20)
            : type === 'dedicated_fund'
              ? rm.int(20, 60)
              : rm.int(15, 45);
      const perf = type !== 'distribution' && rm.chance(0.3) ? rm.pick([10, 15, 20]) : null;
      const products = rm.sample(V.FUNDS, rm.int(1, 3));
      const title = `${rm.pick(V.MANDATE_TITLES[type] ?? ['Mandat'])}${type === 'distribution' ? ` : ${products[0]}` : ''}`;
      const createdAt = during(rm, day(created));
      const updatedAt = max(createdAt, during(rm, day(created + lastPast)));
      const owner = userById.get(org.ownerId) ?? pickOwner(rm, false);
      const mandate: Mandate = { id: ids.uuid(), status };
      org.mandates.push(mandate);
      drafts.push({
        org,
        mandate,
        createdAt,
        row: [
          mandate.id,
          '', // numbered below, by creation date within each year
          org.id,
          title,
          type,
          status,
          at(proposed),
          at(signed),
          at(start),
          at(end),
          nextReview,
          amount === null ? null : amount.toFixed(2),
          org.city.country === 'CH' && rm.chance(0.5) ? 'CHF' : 'EUR',
          fee,
          perf === null ? null : perf.toFixed(2),
          type === 'distribution'
            ? 'Rétrocession de 50 % des frais de gestion au distributeur.'
            : rm.chance(0.3)
              ? 'Frais dégressifs au-delà de 100 M€.'
              : null,
          products,
          owner.id,
          owner.teamId,
          createdAt,
          updatedAt,
        ],
      });
    }
  }
  drafts.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const lastPerYear = new Map<number, number>();
  for (const d of drafts) {
    const year = d.createdAt.getUTCFullYear();
    const n = (lastPerYear.get(year) ?? input.counters?.get(year) ?? 0) + 1;
    lastPerYear.set(year, n);
    d.row[1] = `M-${year}-${String(n).padStart(3, '0')}`;
    tables.mandates.rows.push(d.row);
    timeline('mandate', d.mandate.id, d.row[17] as string, d.createdAt);
  }
  const counters = [...lastPerYear.entries()]
    .map(([year, last]) => ({ year, last }))
    .sort((a, b) => a.year - b.year);

  // --- interactions ---------------------------------------------------------------------------------
  const ri = root.fork('interactions');
  const activityWeight: Record<string, number> = { active: 4, prospect: 3, dormant: 0.6, closed: 0.2 };
  const weightedOrgs = orgs.map(
    (o) => [o, (activityWeight[o.status] ?? 1) * (o.kind.types.includes('supplier') ? 0.3 : 1)] as const,
  );
  const fill = (template: string, org: Org, person: Person | undefined, r2: Random, when: Date) =>
    template
      .replaceAll('{fund}', r2.pick(V.FUNDS))
      .replaceAll('{person}', person ? `${person.first} ${person.last}` : org.name)
      .replaceAll('{org}', org.name)
      .replaceAll('{city}', r2.pick(['Paris', 'Lyon', 'Genève', 'Bordeaux', 'Lille', 'Luxembourg']))
      .replaceAll('{month}', V.MONTHS_FR[(when.getUTCMonth() + 11) % 12] as string)
      .replaceAll('{year}', String(when.getUTCFullYear() + (when.getUTCMonth() >= 9 ? 1 : 0)))
      .replaceAll('{amount}', String(r2.pick([10, 20, 25, 50, 75, 100, 150])));
  for (let i = 0; i < 800; i++) {
    const org = ri.weighted(weightedOrgs);
    const type = ri.weighted([
      ['call', 30],
      ['email', 25],
      ['meeting', 25],
      ['note', 10],
      ['event', 10],
    ] as const);
    const planned = (type === 'meeting' || type === 'event' || type === 'call') && ri.chance(0.05);
    // Recent months are busier than older ones.
    const ago = planned ? -ri.int(1, 21) : Math.floor(547 * ri.next() ** 1.3);
    const occurredAt = during(ri, day(-ago));
    const contact = org.contacts.length > 0 ? ri.pick(org.contacts) : undefined;
    const owner = userById.get(org.ownerId) as SeedUser;
    // Someone who can see the organisation: its owner, or a teammate with team scope (ADR 009: links must be visible).
    const author = ri.chance(0.8) ? owner : teammate(ri, owner, { seesTeam: true });
    const createdAt = planned
      ? min(during(ri, day(-ri.int(1, 10))), occurredAt)
      : new Date(occurredAt.getTime() + ri.int(0, 180) * 60_000);
    const subject = fill(ri.pick(V.INTERACTION_SUBJECTS[type] ?? ['Échange']), org, contact, ri, occurredAt);
    const body = planned
      ? 'Ordre du jour à confirmer.'
      : [
          ri.pick(V.BODY_OPENINGS),
          ...ri.sample(V.BODY_POINTS, type === 'note' || type === 'email' ? 1 : ri.int(1, 3)),
          ri.pick(V.BODY_NEXT),
        ]
          .map((line) => fill(line, org, contact, ri, occurredAt))
          .join('\n');
    const mandate = org.mandates.length > 0 && ri.chance(0.3) ? ri.pick(org.mandates) : undefined;
    const id = ids.uuid();
    tables.interactions.rows.push([
      id,
      type,
      occurredAt,
      subject,
      body,
      org.id,
      mandate?.id ?? null,
      author.id,
      author.teamId,
      createdAt,
      createdAt,
    ]);
    timeline('interaction', id, author.id, createdAt);
    const attendees =
      type === 'note' ? [] : ri.sample(org.contacts, type === 'email' || type === 'call' ? 1 : ri.int(1, 3));
    for (const p of attendees) tables.interaction_participants.rows.push([id, 'person', p.id]);
    const users = new Set([author.id]);
    if ((type === 'meeting' || type === 'event') && ri.chance(0.35)) users.add(teammate(ri, author).id);
    if (type !== 'note') for (const u of users) tables.interaction_participants.rows.push([id, 'user', u]);
  }

  // --- tasks -----------------------------------------------------------------------------------------
  const rt = root.fork('tasks');
  const isoDow = ((today.getUTCDay() + 6) % 7) + 1; // Monday 1 … Sunday 7
  const daysLeftInWeek = 7 - isoDow;
  for (let i = 0; i < 300; i++) {
    const org = rt.weighted(weightedOrgs);
    const owner = userById.get(org.ownerId) as SeedUser;
    const assignee = rt.chance(0.7) ? owner : teammate(rt, owner);
    const status = rt.weighted([
      ['todo', 45],
      ['in_progress', 15],
      ['done', 35],
      ['cancelled', 5],
    ] as const);
    const openTask = status === 'todo' || status === 'in_progress';
    let due: number | null;
    if (openTask) {
      const bucket = rt.weighted([
        ['overdue', 25],
        ['week', 20],
        ['later', 45],
        ['none', 10],
      ] as const);
      due =
        bucket === 'overdue'
          ? -rt.int(1, 45)
          : bucket === 'week'
            ? rt.int(0, daysLeftInWeek)
            : bucket === 'later'
              ? rt.int(daysLeftInWeek + 1, 75)
              : null;
    } else {
      due = -rt.int(1, 300);
    }
    const createdAt = min(during(rt, day(Math.min(due ?? 0, 0) - rt.int(3, 40))), day(0));
    const completedAt =
      status === 'done'
        ? min(max(during(rt, day((due as number) + rt.int(-5, 3))), createdAt), day(0))
        : null;
    const contact = org.contacts.length > 0 && rt.chance(0.5) ? rt.pick(org.contacts) : undefined;
    const mandate = org.mandates.length > 0 && rt.chance(0.25) ? rt.pick(org.mandates) : undefined;
    const template = rt.pick(V.TASK_TITLES.filter((t) => contact || !t.includes('{person}')));
    const priority =
      due !== null && due < 7 && due >= -10
        ? rt.weighted([
            ['high', 4],
            ['urgent', 2],
            ['normal', 4],
          ] as const)
        : rt.weighted([
            ['low', 2],
            ['normal', 6],
            ['high', 2],
          ] as const);
    const id = ids.uuid();
    tables.tasks.rows.push([
      id,
      fill(template, org, contact, rt, createdAt),
      rt.chance(0.4) ? fill(rt.pick(V.BODY_NEXT), org, contact, rt, createdAt) : null,
      due === null ? null : iso(day(due)),
      priority,
      status,
      assignee.id,
      org.id,
      contact?.id ?? null,
      mandate?.id ?? null,
      completedAt,
      owner.id,
      owner.teamId,
      createdAt,
      completedAt ?? createdAt,
    ]);
    timeline('task', id, owner.id, createdAt);
  }

  const order: (keyof typeof COLUMNS)[] = [
    'organisations',
    'stage_history',
    'people',
    'affiliations',
    'mandates',
    'interactions',
    'interaction_participants',
    'tasks',
    'timeline_events',
  ];
  return { tables: order.map((t) => tables[t]), counters };
}

function orgNote(r: Random, kind: KindSpec, city: City): string {
  return r.pick([
    `${kind.label} suivi(e) depuis notre bureau de ${city.team === 1 ? 'Lyon' : 'Paris'}.`,
    'Appel d’offres attendu au second semestre.',
    'Décisions prises en comité mensuel ; prévoir la documentation deux semaines avant.',
    'Sensibilité forte aux critères ESG ; exclusion charbon et tabac.',
    'Relation historique, à réactiver.',
    'Préfère les échanges par email ; rendez-vous en présentiel une fois par an.',
  ]);
}

function personNote(r: Random, female: boolean): string {
  return r.pick([
    `Très ${female ? 'attentive' : 'attentif'} aux frais.`,
    'Ancien gérant actions, très technique.',
    'Préfère être contacté(e) le matin.',
    'Membre du comité d’investissement.',
    'A participé à notre conférence annuelle.',
  ]);
}
