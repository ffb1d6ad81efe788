import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../../worker/db/schema';
import { createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type FixtureUserKey, type IdentityFixture } from './support/identity-fixture';
import { createRecordAs } from './support/records';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

interface Hit {
  id: string;
  score: number;
  match: 'text' | 'fuzzy';
  highlight: { name: string; snippet: string | null };
  ownerId: string;
  [key: string]: unknown;
}

type Type = 'organisations' | 'people' | 'mandates' | 'interactions';

interface SearchBody {
  query: string;
  types: Type[];
  results: Record<Type, Hit[]>;
  counts: Record<Type, number>;
  didYouMean?: string;
  nextCursor: string | null;
}

interface EntityPage {
  query: string;
  data: Hit[];
  count: number;
  didYouMean?: string;
  nextCursor: string | null;
}

interface Suggestions {
  query: string;
  results: Record<
    'organisations' | 'people' | 'mandates',
    { id: string; label: string; highlight: string }[]
  >;
  didYouMean?: string;
}

const ids: Record<string, string> = {};

async function get<T>(who: FixtureUserKey, path: string): Promise<T> {
  const response = await fx.as(who, path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

const searchAll = (who: FixtureUserKey, q: string, extra = '') =>
  get<SearchBody>(who, `/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
const searchOf = (
  who: FixtureUserKey,
  type: 'organisations' | 'people' | 'mandates',
  q: string,
  extra = '',
) => get<EntityPage>(who, `/api/v1/search/${type}?q=${encodeURIComponent(q)}${extra}`);

const org = (name: string, values: Record<string, unknown> = {}, owner: FixtureUserKey = 'admin') =>
  createRecordAs(fx, owner, 'organisations', { name, types: ['investor'], ...values });
const person = (
  first: string,
  last: string,
  values: Record<string, unknown> = {},
  owner: FixtureUserKey = 'admin',
) => createRecordAs(fx, owner, 'people', { firstName: first, lastName: last, ...values });

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
  ids.socgen = await org('Société Générale', {
    legalName: 'Société Générale SA',
    city: 'Paris',
    website: 'https://www.societegenerale.fr',
    websiteDomain: 'societegenerale.fr',
    phone: '+33 1 42 14 20 00',
  });
  ids.rothschildName = await org('Rothschild Martin Maurel', { city: 'Paris' });
  ids.rothschildNotes = await org('Banque Lazard', {
    notes: 'Déjeuner : ils comparent avec Rothschild. Rothschild reste la référence, Rothschild encore.',
  });
  ids.carmignac = await org('Carmignac');
  ids.carmignacGestion = await org('Carmignac Gestion Luxembourg');
  ids.alforis = await org('Alforis Finance', { city: 'Lyon' });
  ids.amundiAm = await org('Amundi Asset Management');
  ids.amundiImmo = await org('Amundi Immobilier');
  ids.escaped = await org('<b>Crédit</b> & "Agricole" Zéphyr');
  ids.investNotes = await org('Caisse des Dépôts', {
    notes: 'Un investissement obligataire à long terme est envisagé.',
  });
  ids.quasarium = await org('Quasarium Holdings');
  await createRecordAs(
    fx,
    'admin',
    'organisations',
    { name: 'Quasarium Binned', types: ['investor'] },
    { deleted: true },
  );

  ids.dupont = await person('Jean', 'Dupont', { workEmail: 'jdupont@amundi-am.com', jobTitle: 'Directeur' });
  ids.dupontel = await person('Albert', 'Dupontel');
  ids.martin = await person('Claire', 'Martin', { mobilePhone: '06 12 34 56 78' });
  ids.martinez = await person('Luis', 'Martinez');
  ids.erased = await person('Quasarium', 'Erased');
  const handle = testDbHandle(database.url);
  try {
    await handle.db
      .update(people)
      .set({ erasedAt: sql`now()` })
      .where(eq(people.id, ids.erased as string));
  } finally {
    await handle.close();
  }

  ids.mandate = await createRecordAs(fx, 'admin', 'mandates', {
    number: 'M-2031-042',
    organisationId: ids.socgen,
    title: 'Gestion obligataire Europe',
    type: 'discretionary',
  });
  ids.interaction = await createRecordAs(fx, 'admin', 'interactions', {
    type: 'meeting',
    occurredAt: new Date('2026-03-02T10:00:00Z'),
    subject: 'Revue annuelle',
    body: 'Nous avons parlé de leur investissement dans la dette privée.',
    organisationId: ids.socgen,
  });

  // Scoping: one word, records owned across both teams.
  for (const owner of [
    'user',
    'user',
    'teammate',
    'manager',
    'otherUser',
    'otherManager',
  ] as FixtureUserKey[]) {
    await org(`Zephyrine ${owner} ${crypto.randomUUID().slice(0, 4)}`, { notes: 'Zephyrine secret' }, owner);
  }
  await person('Zephyrine', 'Teammate', { notes: 'should not leak' }, 'teammate');

  // Pagination: many hits with near-equal scores.
  for (let index = 0; index < 13; index++) await org(`Paginata ${String(index).padStart(2, '0')}`);
});

afterAll(async () => {
  await database.drop();
});

describe('search: relevance', () => {
  it('finds "Société Générale" from "societe generale", name first, with highlights', async () => {
    const body = await searchAll('admin', 'societe generale');
    expect(body.results.organisations[0]).toMatchObject({
      id: ids.socgen,
      match: 'text',
      name: 'Société Générale',
    });
    expect(body.results.organisations[0]?.highlight.name).toBe('<mark>Société</mark> <mark>Générale</mark>');
    expect(body.counts.organisations).toBe(1);
    expect(body.results.mandates).toEqual([]);
    expect(body.didYouMean).toBeUndefined();
  });

  it('ranks a name match above a notes match', async () => {
    const body = await searchAll('admin', 'rothschild');
    expect(body.results.organisations.map((hit) => hit.id)).toEqual([
      ids.rothschildName,
      ids.rothschildNotes,
    ]);
    expect(body.results.organisations[1]?.highlight.snippet).toContain('<mark>Rothschild</mark>');
    expect(body.results.organisations[0]?.highlight.snippet).toBeNull();
  });

  it('ranks an exact name above a longer one, and a whole word above a prefix', async () => {
    const orgs = await searchOf('admin', 'organisations', 'carmignac');
    expect(orgs.data.map((hit) => hit.id)).toEqual([ids.carmignac, ids.carmignacGestion]);
    const names = await searchOf('admin', 'people', 'martin');
    expect(names.data.map((hit) => hit.id)).toEqual([ids.martin, ids.martinez]);
    const prefix = await searchOf('admin', 'people', 'dupon');
    expect(prefix.data.map((hit) => hit.id).sort()).toEqual([ids.dupont, ids.dupontel].sort());
  });

  it('stems free text in French: "investissements" finds "investissement" in notes and bodies', async () => {
    const body = await searchAll('admin', 'investissements');
    expect(body.results.organisations.map((hit) => hit.id)).toEqual([ids.investNotes]);
    expect(body.results.interactions.map((hit) => hit.id)).toEqual([ids.interaction]);
    expect(body.results.interactions[0]?.highlight.snippet).toContain('<mark>investissement</mark>');
  });

  it('finds a person by last name alone and by email domain', async () => {
    expect((await searchOf('admin', 'people', 'Dupont')).data[0]?.id).toBe(ids.dupont);
    expect((await searchOf('admin', 'people', 'amundi-am.com')).data.map((hit) => hit.id)).toEqual([
      ids.dupont,
    ]);
    expect((await searchOf('admin', 'people', 'amundi')).data.map((hit) => hit.id)).toEqual([ids.dupont]);
    expect((await searchOf('admin', 'people', 'jdupont@amundi-am.com')).data.map((hit) => hit.id)).toEqual([
      ids.dupont,
    ]);
  });

  it('finds phone numbers by their digits, however typed', async () => {
    for (const q of ['01 42 14 20 00', '0142142000', '+33 1 42 14 20 00', '01.42.14.20.00', '01 42 14']) {
      const body = await searchAll('admin', q);
      expect(
        body.results.organisations.map((hit) => hit.id),
        q,
      ).toContain(ids.socgen);
    }
    const mobile = await searchAll('admin', '+33 6 12 34 56 78');
    expect(mobile.results.people.map((hit) => hit.id)).toEqual([ids.martin]);
  });

  it('finds mandates by number, whole or in part, and by title', async () => {
    for (const q of ['M-2031-042', '2031-042', 'obligataire europe']) {
      const body = await searchAll('admin', q);
      expect(
        body.results.mandates.map((hit) => hit.id),
        q,
      ).toEqual([ids.mandate]);
    }
  });

  it('tolerates a one-letter typo in a name, with "did you mean"', async () => {
    const body = await searchAll('admin', 'Alforys');
    expect(body.results.organisations[0]).toMatchObject({ id: ids.alforis, match: 'fuzzy' });
    expect(body.counts.organisations).toBe(1);
    expect(body.didYouMean).toBe('Alforis Finance');
    const page = await searchOf('admin', 'organisations', 'alforys finance');
    expect(page.data[0]?.id).toBe(ids.alforis);
    // A correct spelling suggests nothing.
    expect((await searchAll('admin', 'Alforis')).didYouMean).toBeUndefined();
  });

  it('supports phrases, or and exclusions', async () => {
    const excluded = await searchOf('admin', 'organisations', 'amundi -immobilier');
    expect(excluded.data.map((hit) => hit.id)).toEqual([ids.amundiAm]);
    const phrase = await searchOf('admin', 'organisations', '"asset management"');
    expect(phrase.data.map((hit) => hit.id)).toEqual([ids.amundiAm]);
    const wrongOrder = await searchOf('admin', 'organisations', '"management asset"');
    expect(wrongOrder.data.filter((hit) => hit.match === 'text')).toEqual([]);
    const either = await searchOf('admin', 'organisations', 'lazard or carmignac');
    expect(either.data.map((hit) => hit.id).sort()).toEqual(
      [ids.rothschildNotes, ids.carmignac, ids.carmignacGestion].sort(),
    );
    const both = await searchOf('admin', 'organisations', 'rothschild maurel');
    expect(both.data.map((hit) => hit.id)).toEqual([ids.rothschildName]);
  });

  it('escapes highlights: only <mark> is markup', async () => {
    const body = await searchOf('admin', 'organisations', 'credit agricole');
    expect(body.data[0]?.highlight.name).toBe(
      '&lt;b&gt;<mark>Crédit</mark>&lt;/b&gt; &amp; &quot;<mark>Agricole</mark>&quot; Zéphyr',
    );
  });

  it('leaves out the bin and erased people', async () => {
    const body = await searchAll('admin', 'quasarium');
    expect(body.results.organisations.map((hit) => hit.id)).toEqual([ids.quasarium]);
    expect(body.results.people).toEqual([]);
    expect(body.counts).toMatchObject({ organisations: 1, people: 0 });
  });

  it('answers nothing (not an error) when nothing searchable is left', async () => {
    for (const q of ['!!!', '-amundi', '"" ()', 'or']) {
      const body = await searchAll('admin', q);
      expect(body.counts, q).toBeDefined();
    }
    const body = await searchAll('admin', '&&&');
    expect(body.counts).toEqual({ organisations: 0, people: 0, mandates: 0, interactions: 0 });
  });
});

describe('search: scope', () => {
  const visible = async (who: FixtureUserKey) => {
    const body = await searchAll(who, 'zephyrine', '&limit=50');
    return { body, owners: new Set(body.results.organisations.map((hit) => hit.ownerId)) };
  };

  it('a User sees only their own records, and counts say so', async () => {
    const { body, owners } = await visible('user');
    expect([...owners]).toEqual([fx.users.user.id]);
    expect(body.counts.organisations).toBe(2);
    expect(body.results.people).toEqual([]);
    expect(body.counts.people).toBe(0);
  });

  it("Managers and Viewers see their team's records; Admins everything", async () => {
    const manager = await visible('manager');
    expect(manager.body.counts.organisations).toBe(4);
    expect(manager.owners).toEqual(new Set([fx.users.user.id, fx.users.teammate.id, fx.users.manager.id]));
    expect(manager.body.counts.people).toBe(1);
    const viewer = await visible('viewer');
    expect(viewer.body.counts.organisations).toBe(4);
    const other = await visible('otherManager');
    expect(other.body.counts.organisations).toBe(2);
    expect(other.body.counts.people).toBe(0);
    const admin = await visible('admin');
    expect(admin.body.counts.organisations).toBe(6);
  });

  it("ranks the caller's own records above the team's at equal relevance", async () => {
    const { body } = await visible('manager');
    expect(body.results.organisations[0]?.ownerId).toBe(fx.users.manager.id);
  });

  it('suggests nothing from records out of scope', async () => {
    const body = await searchAll('otherUser', 'Alforys');
    expect(body.results.organisations).toEqual([]);
    expect(body.didYouMean).toBeUndefined();
    const auto = await get<Suggestions>('otherUser', '/api/v1/search/autocomplete?q=alfor');
    expect(auto.results.organisations).toEqual([]);
  });

  it('filters the per-type search (and an invisible organisation filters everything out)', async () => {
    const lyon = await searchOf('admin', 'organisations', 'alforis', '&city=lyon&type=investor');
    expect(lyon.data.map((hit) => hit.id)).toEqual([ids.alforis]);
    const paris = await searchOf('admin', 'organisations', 'alforis', '&city=paris');
    expect(paris.data.filter((hit) => hit.match === 'text')).toEqual([]);
    const mine = await searchOf('user', 'organisations', 'zephyrine', `&ownerId=${fx.users.teammate.id}`);
    expect(mine.count).toBe(0);
    const signed = await searchOf('admin', 'mandates', 'obligataire', '&status=active');
    expect(signed.count).toBe(0);
  });
});

describe('search: many matches', () => {
  it('ranks a bounded set of candidates but always includes exact names', async () => {
    // 600 "Vega …" organisations first, the exact "Vega" last: beyond the first candidates in table order,
    // so only the exact-name lookup can bring it.
    const handle = testDbHandle(database.url);
    try {
      await handle.db.execute(sql`
        insert into organisations (name, types, owner_id, team_id)
        select 'Vega Partners ' || g, '{investor}', ${fx.users.admin.id}, ${fx.users.admin.teamId}
        from generate_series(1, 600) as g`);
    } finally {
      await handle.close();
    }
    ids.vega = await org('Vega');
    const body = await searchOf('admin', 'organisations', 'vega', '&limit=3');
    expect(body.count).toBe(601);
    expect(body.data[0]?.id).toBe(ids.vega);
    const auto = await get<Suggestions>('admin', '/api/v1/search/autocomplete?q=vega');
    expect(auto.results.organisations[0]?.id).toBe(ids.vega);
  });
});

describe('search: pagination', () => {
  it('pages through every hit once, in the order of one big page', async () => {
    const all = await searchOf('admin', 'organisations', 'paginata', '&limit=100');
    expect(all.count).toBe(13);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: EntityPage = await searchOf(
        'admin',
        'organisations',
        'paginata',
        `&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.count).toBe(13);
      seen.push(...page.data.map((hit) => hit.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(all.data.map((hit) => hit.id));
  });

  it('pages the combined search per type', async () => {
    const first = await searchAll('admin', 'paginata or rothschild', '&limit=10');
    expect(first.counts.organisations).toBe(15);
    expect(first.results.organisations).toHaveLength(10);
    expect(first.nextCursor).toBeTruthy();
    const second = await searchAll('admin', 'paginata or rothschild', `&limit=10&cursor=${first.nextCursor}`);
    expect(second.results.organisations).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.results.organisations, ...second.results.organisations].map((hit) => hit.id);
    expect(new Set(ids).size).toBe(15);
  });

  it('refuses a forged cursor with 422', async () => {
    for (const cursor of ['nope', btoa(JSON.stringify(['2026-01-01T00:00:00Z', "1'; drop", 'x']))]) {
      const response = await fx.as(
        'admin',
        `/api/v1/search/organisations?q=paginata&cursor=${encodeURIComponent(cursor)}`,
      );
      expect(response.status).toBe(422);
      expect((await problemOf(response)).errors?.[0]?.path).toBe('cursor');
    }
  });
});

describe('search: autocomplete', () => {
  it('suggests names from 2 characters, grouped, at most 10', async () => {
    const body = await get<Suggestions>('admin', '/api/v1/search/autocomplete?q=pa');
    const total =
      body.results.organisations.length + body.results.people.length + body.results.mandates.length;
    expect(total).toBe(10);
    expect(body.results.organisations.every((item) => /(^|\s)pa/i.test(item.label))).toBe(true);
    expect(body.results.organisations[0]?.highlight).toMatch(/<mark>Pa\w+<\/mark>/);
  });

  it('matches names only, not notes', async () => {
    const body = await get<Suggestions>('admin', '/api/v1/search/autocomplete?q=rothsch');
    expect(body.results.organisations.map((item) => item.id)).toEqual([ids.rothschildName]);
    expect(body.results.organisations[0]?.highlight).toBe('<mark>Rothschild</mark> Martin Maurel');
  });

  it('is typo-tolerant', async () => {
    const body = await get<Suggestions>('admin', '/api/v1/search/autocomplete?q=alforys');
    expect(body.results.organisations.map((item) => item.id)).toEqual([ids.alforis]);
    expect(body.didYouMean).toBe('Alforis Finance');
  });
});

describe('search: validation', () => {
  it('422 for a query too short or too long', async () => {
    const cases = [
      '/api/v1/search?q=',
      '/api/v1/search?q=%20%20',
      `/api/v1/search?q=${'a'.repeat(201)}`,
      '/api/v1/search/autocomplete?q=a',
      '/api/v1/search/organisations',
      '/api/v1/search?q=x&types=tasks',
      '/api/v1/search?q=x&limit=51',
    ];
    for (const path of cases) {
      const response = await fx.as('admin', path);
      expect(response.status, path).toBe(422);
      await problemOf(response);
    }
    const longest = await fx.as('admin', `/api/v1/search?q=${'a'.repeat(200)}`);
    expect(longest.status).toBe(200);
  });
});

describe('search: fuzz', () => {
  // A deterministic generator: the same strings on every run, so a failure is reproducible.
  function random(seed: number) {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  }
  const PIECES = [
    '"',
    "'",
    '\\',
    ':*',
    ':',
    '*',
    '&',
    '|',
    '!',
    '(',
    ')',
    '<->',
    '<2>',
    '-',
    '+',
    ' or ',
    ' OR ',
    ' ',
    '  ',
    'é',
    'ß',
    'ﬁ',
    '日本',
    '😀',
    '\u0301',
    '\uE000',
    '\uE001',
    '\u0000',
    '%',
    '_',
    '.',
    '@',
    'a',
    'ab',
    'abc',
    'société',
    'de',
    'la',
    "l'",
    '’',
    '0',
    '01 23',
    '+33',
    '--',
    '""',
    '\t',
    '\n',
    ';',
    'select',
    '$1',
    '::tsquery',
  ];
  const next = random(20_260_101);
  const strings = Array.from({ length: 300 }, () => {
    const length = 1 + Math.floor(next() * 12);
    return Array.from({ length }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
  });

  it('never answers 5xx, whatever the query', async () => {
    const failures: string[] = [];
    for (const [index, q] of strings.entries()) {
      const path =
        index % 3 === 0
          ? `/api/v1/search/autocomplete?q=${encodeURIComponent(q)}`
          : index % 3 === 1
            ? `/api/v1/search?q=${encodeURIComponent(q)}`
            : `/api/v1/search/people?q=${encodeURIComponent(q)}`;
      const response = await fx.as('user', path);
      if (response.status !== 200 && response.status !== 422)
        failures.push(`${response.status} ${JSON.stringify(q)}`);
      await response.body?.cancel();
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
