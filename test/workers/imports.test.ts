import { env } from 'cloudflare:test';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJobs, organisations, outboxEvents, people, timelineEvents } from '../../worker/db/schema';
import { MAX_FILE_BYTES, MAX_ROWS } from '../../worker/modules/imports/imports.limits';
import {
  BOM,
  CSV,
  callAs,
  type ImportJobBody,
  type PreviewBody,
  readCsvReport,
  upload,
  uploaded,
  XLSX,
  xlsxOf,
} from '../fixtures/imports/support';
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

const encode = (text: string) => new TextEncoder().encode(text);

async function fileProblemOf(response: Response, status = 422) {
  expect(response.status, await response.clone().text()).toBe(status);
  return problemOf(response);
}

async function tableCounts() {
  const handle = testDbHandle(database.url);
  try {
    const [orgs] = await handle.db.select({ n: count() }).from(organisations);
    const [persons] = await handle.db.select({ n: count() }).from(people);
    const [timeline] = await handle.db.select({ n: count() }).from(timelineEvents);
    const [outbox] = await handle.db.select({ n: count() }).from(outboxEvents);
    return { organisations: orgs?.n, people: persons?.n, timeline: timeline?.n, outbox: outbox?.n };
  } finally {
    await handle.close();
  }
}

describe('upload', () => {
  it('reads a semicolon CSV with BOM, French headers and quoted line breaks; maps columns automatically', async () => {
    const csv = `${BOM}Nom;Type(s);Ville;Site web;Encours (EUR);Étiquettes;Divers\r\n"Caisse de Retraite\r\ndes Cadres";Investisseur;Paris;www.crc-nord.fr;"1 250 000,50";"retraite; institutionnel";x\r\nBanque du Sud;Distributeur, Partenaire;Lyon;https://bds.fr;;;\r\n`;
    const response = await upload(fx, 'manager', 'organisations', csv, {
      fileName: 'C%3A%5Cfakepath%5CProspects%20%C3%A9t%C3%A9.csv',
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const job = (await response.json()) as ImportJobBody & { preview: PreviewBody };
    expect(response.headers.get('Location')).toBe(`/api/v1/imports/${job.id}`);
    expect(job).toMatchObject({
      entity: 'organisations',
      status: 'uploaded',
      fileName: 'Prospects été.csv',
      fileType: 'csv',
      headers: ['Nom', 'Type(s)', 'Ville', 'Site web', 'Encours (EUR)', 'Étiquettes', 'Divers'],
      mapping: {
        Nom: 'name',
        'Type(s)': 'types',
        Ville: 'city',
        'Site web': 'website',
        'Encours (EUR)': 'aumAmount',
        Étiquettes: 'tags',
        Divers: null,
      },
      unmappedHeaders: ['Divers'],
      missingFields: [],
      rowCount: 2,
      ownerId: fx.users.manager.id,
    });
    expect(job.preview.totals).toEqual({ rows: 2, create: 2, update: 0, unchanged: 0, reject: 0 });
    expect(job.preview.data[0]).toMatchObject({
      row: 2,
      action: 'create',
      values: {
        name: 'Caisse de Retraite\r\ndes Cadres',
        aumAmount: '1 250 000,50',
        tags: 'retraite; institutionnel',
      },
    });
    // Row numbers are spreadsheet rows: the quoted line break does not add one.
    expect(job.preview.data[1]?.row).toBe(3);
  });

  it('reads a comma CSV without BOM, and people headers in English', async () => {
    const job = await uploaded(
      fx,
      'manager',
      'people',
      'First name,Last name,Email,Company,Job title\nClaire,Martin,C.Martin@Example.fr,,CIO\n',
    );
    expect(job.mapping).toEqual({
      'First name': 'firstName',
      'Last name': 'lastName',
      Email: 'workEmail',
      Company: 'organisation',
      'Job title': 'jobTitle',
    });
    expect(job.preview.data[0]).toMatchObject({
      action: 'create',
      values: { workEmail: 'C.Martin@Example.fr' },
    });
  });

  it('reads an XLSX: first worksheet, header on the first non-empty row, typed cells', async () => {
    const bytes = await xlsxOf(
      [
        ['Raison sociale', 'Type', 'Pays', 'Encours', 'Site'],
        [
          'Mutuelle Atlantique',
          'Assureur',
          'France',
          3_000_000,
          { text: 'mutatl.fr', hyperlink: 'https://mutatl.fr' },
        ],
      ],
      {
        extraSheet: true,
        before: (sheet) => {
          sheet.addRow([]);
        },
      },
    );
    const job = await uploaded(fx, 'manager', 'organisations', bytes, {
      contentType: XLSX,
      fileName: 'liste.xlsx',
    });
    expect(job).toMatchObject({
      fileType: 'xlsx',
      fileName: 'liste.xlsx',
      headers: ['Raison sociale', 'Type', 'Pays', 'Encours', 'Site'],
      mapping: {
        'Raison sociale': 'name',
        Type: 'types',
        Pays: 'country',
        Encours: 'aumAmount',
        Site: 'website',
      },
    });
    // "Assureur" is a category, not a type: the row is rejected with the API's own message.
    expect(job.preview.data[0]).toMatchObject({
      row: 3,
      action: 'reject',
      values: { name: 'Mutuelle Atlantique', country: 'France', aumAmount: '3000000', website: 'mutatl.fr' },
    });
    expect(job.preview.data[0]?.reasons).toEqual([
      expect.stringMatching(/^types\.0 \("Type"\): Invalid option/),
    ]);
  });

  it('creates a job with missing required fields listed; commit is refused until they are mapped', async () => {
    const job = await uploaded(fx, 'manager', 'organisations', 'Nom;Ville\nA;Paris\n');
    expect(job.missingFields).toEqual(['types']);
    expect(job.preview.data[0]?.reasons).toEqual([expect.stringMatching(/^types: /)]);
    const commit = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/commit`, { method: 'POST' });
    expect((await fileProblemOf(commit)).errors?.[0]?.code).toBe('required_field_unmapped');
  });

  it('needs <entity>:import: Users and Viewers are refused', async () => {
    for (const who of ['user', 'viewer'] as const) {
      const response = await upload(fx, who, 'organisations', 'Nom;Type\nA;investor\n');
      expect(response.status).toBe(403);
    }
    const unknown = await callAs(fx, 'manager', '/api/v1/imports?entity=mandates', {
      method: 'POST',
      headers: { 'Content-Type': CSV },
      body: 'Nom\nA',
    });
    expect((await fileProblemOf(unknown)).errors?.[0]?.path).toBe('entity');
  });
});

describe('bad files', () => {
  it('non-UTF-8 bytes → 422 not_utf8 saying how to save the file', async () => {
    // "Nom;Ville\nSociété;Paris" in Windows-1252.
    const latin1 = new Uint8Array([
      ...encode('Nom;Ville\nSoci'),
      0xe9,
      ...encode('t'),
      0xe9,
      ...encode(';Paris\n'),
    ]);
    const problem = await fileProblemOf(await upload(fx, 'manager', 'organisations', latin1));
    expect(problem.errors).toEqual([
      { path: 'file', code: 'not_utf8', message: expect.stringContaining('save it as "CSV UTF-8"') },
    ]);
  });

  it('empty, header-only, headerless, blank or duplicate headers, unmappable, unterminated: each its own code', async () => {
    const cases: [BodyInit, string][] = [
      ['', 'empty_file'],
      ['\n \n;;\n', 'empty_file'],
      ['Nom;Type\n', 'no_data_rows'],
      ['claire.martin@crc.fr;Paris\nj.dupont@bds.fr;Lyon\n', 'no_header_row'],
      ['Nom;;Type\nA;x;investor\n', 'blank_header'],
      ['Nom;Type;nom\nA;investor;B\n', 'duplicate_header'],
      ['Foo;Bar\n1;2\n', 'no_mappable_column'],
      ['Nom;Type\n"A;investor\n', 'unterminated_quote'],
    ];
    for (const [body, code] of cases) {
      const problem = await fileProblemOf(await upload(fx, 'manager', 'organisations', body));
      expect(problem.errors?.[0]?.code, String(body)).toBe(code);
      expect(problem.code).toBe('VALIDATION_FAILED');
    }
  });

  it(`more than ${MAX_ROWS} data rows → 422 too_many_rows; over 5 MB → 413`, async () => {
    const rows = `Nom;Type\n${'A;investor\n'.repeat(MAX_ROWS + 1)}`;
    const problem = await fileProblemOf(await upload(fx, 'manager', 'organisations', rows));
    expect(problem.errors?.[0]?.code).toBe('too_many_rows');
    expect(problem.detail).toContain(String(MAX_ROWS));

    const huge = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x41);
    const tooLarge = await fileProblemOf(await upload(fx, 'manager', 'organisations', huge), 413);
    expect(tooLarge.detail).toContain('5 MB');
    // Just under the limit is read (and refused for its content, not its size).
    const under = new Uint8Array(MAX_FILE_BYTES - 1).fill(0x41);
    expect((await upload(fx, 'manager', 'organisations', under)).status).toBe(422);
  });

  it('broken XLSX → 422 xlsx_unreadable; an XLSX sent as CSV → file_type_mismatch', async () => {
    const good = await xlsxOf([
      ['Nom', 'Type'],
      ['A', 'investor'],
    ]);
    const broken = await fileProblemOf(
      await upload(fx, 'manager', 'organisations', good.slice(0, 300), { contentType: XLSX }),
    );
    expect(broken.errors?.[0]?.code).toBe('xlsx_unreadable');
    const mismatch = await fileProblemOf(
      await upload(fx, 'manager', 'organisations', good, { contentType: CSV }),
    );
    expect(mismatch.errors?.[0]?.code).toBe('file_type_mismatch');
  });

  it('unknown content types → 415 (JSON included); nothing is stored for a refused file', async () => {
    const before = await jobCount();
    for (const contentType of ['text/plain', 'application/json', 'application/octet-stream', null]) {
      const response = await upload(fx, 'manager', 'organisations', 'Nom;Type\nA;investor\n', {
        contentType,
      });
      const problem = await fileProblemOf(response, 415);
      expect(problem.detail).toContain('text/csv');
    }
    // Other API routes still refuse non-JSON bodies.
    const other = await callAs(fx, 'manager', '/api/v1/organisations', {
      method: 'POST',
      headers: { 'Content-Type': CSV },
      body: 'Nom\nA',
    });
    expect((await fileProblemOf(other, 415)).detail).toContain('application/json');
    expect(await jobCount()).toBe(before);
  });
});

async function jobCount() {
  const handle = testDbHandle(database.url);
  try {
    const [row] = await handle.db.select({ n: count() }).from(importJobs);
    return row?.n;
  } finally {
    await handle.close();
  }
}

describe('mapping', () => {
  it('validates the edit; a valid one answers a fresh preview; only the owner, before the commit', async () => {
    const job = await uploaded(fx, 'manager', 'organisations', 'Société;Genre;Ville\nA;investisseur;Paris\n');
    expect(job.mapping).toEqual({ Société: 'name', Genre: null, Ville: 'city' });
    expect(job.preview.totals.reject).toBe(1);
    const path = `/api/v1/imports/${job.id}/mapping`;
    const put = (
      mapping: Record<string, string | null>,
      who: 'manager' | 'admin' | 'otherManager' = 'manager',
    ) => callAs(fx, who, path, jsonBody('PUT', { mapping }));

    const invalid = await fileProblemOf(await put({ Société: 'name', Genre: 'kind', Ville: 'name' }));
    expect(invalid.errors?.map((error) => error.code)).toEqual(['unknown_field', 'duplicate_field']);
    const unmapped = await fileProblemOf(await put({ Société: 'name' }));
    expect(unmapped.errors).toEqual([
      expect.objectContaining({ code: 'required_field_unmapped', message: expect.stringContaining('types') }),
    ]);

    expect((await put({ Société: 'name', Genre: 'types' }, 'admin')).status).toBe(403);
    expect((await put({ Société: 'name', Genre: 'types' }, 'otherManager')).status).toBe(404);

    const ok = await put({ Société: 'name', Genre: 'types' });
    expect(ok.status).toBe(200);
    const remapped = (await ok.json()) as ImportJobBody & { preview: PreviewBody };
    expect(remapped.mapping).toEqual({ Société: 'name', Genre: 'types', Ville: null });
    expect(remapped.unmappedHeaders).toEqual(['Ville']);
    expect(remapped.preview.totals).toMatchObject({ create: 1, reject: 0 });
    expect(remapped.preview.data[0]?.values).toEqual({ name: 'A', types: 'investisseur' });
  });
});

describe('dry run', () => {
  it('counts creates, updates, unchanged and rejects with reasons — and writes nothing', async () => {
    // Manager (team A) sees the team's records; otherUser's (team B) are outside the scope.
    await createRecordAs(fx, 'teammate', 'organisations', {
      name: 'Ext Match',
      types: ['investor'],
      externalId: 'DRY-1',
      city: 'Paris',
    });
    await createRecordAs(fx, 'manager', 'organisations', {
      name: 'Domain Match',
      types: ['investor'],
      website: 'https://www.domain-match.fr',
      websiteDomain: 'domain-match.fr',
    });
    await createRecordAs(fx, 'manager', 'organisations', {
      name: 'Same',
      types: ['partner'],
      externalId: 'DRY-SAME',
      city: 'Nice',
      aumAmount: '1000.00',
      aumCurrency: 'EUR',
    });
    await createRecordAs(fx, 'otherUser', 'organisations', {
      name: 'Hidden',
      types: ['investor'],
      externalId: 'DRY-HIDDEN',
    });
    for (const name of ['Twin 1', 'Twin 2']) {
      await createRecordAs(fx, 'manager', 'organisations', {
        name,
        types: ['investor'],
        website: 'twins.fr',
        websiteDomain: 'twins.fr',
      });
    }
    const csv = [
      'ID externe;Nom;Type;Ville;Site web;Pays;Encours',
      'DRY-1;Ext Match;investor;Lyon;;;', // 2 update (city)
      ';Domain Match;investor;;domain-match.fr/contact;FR;', // 3 update (country)
      'DRY-SAME;Same;partenaire;Nice;;;1 000', // 4 unchanged
      'DRY-HIDDEN;Hidden;investor;;;;', // 5 outside scope
      ';Twin;investor;;twins.fr;;', // 6 ambiguous domain
      'DRY-NEW;New One;investor;;;France;', // 7 create
      'DRY-NEW;New Again;investor;;;;', // 8 duplicate in file
      ';Bad;alien;;;Francia;-5', // 9 invalid
      ';;investor;;;;', // 10 no name
    ].join('\n');
    const before = await tableCounts();
    const job = await uploaded(fx, 'manager', 'organisations', csv);
    const response = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/preview?limit=200`);
    expect(response.status).toBe(200);
    const preview = (await response.json()) as PreviewBody;
    expect(preview.totals).toEqual({ rows: 9, create: 1, update: 2, unchanged: 1, reject: 5 });
    const byRow = Object.fromEntries(preview.data.map((row) => [row.row, row]));
    expect(byRow[2]).toMatchObject({ action: 'update', matchedBy: 'externalId', changes: ['city'] });
    expect(byRow[3]).toMatchObject({
      action: 'update',
      matchedBy: 'websiteDomain',
      changes: ['country', 'website'],
    });
    expect(byRow[4]).toMatchObject({ action: 'unchanged', matchedBy: 'externalId', changes: [] });
    expect(byRow[5]).toMatchObject({
      action: 'reject',
      reasons: ['A matching record exists outside your scope'],
    });
    expect(byRow[5]?.matchId).toBeNull();
    expect(byRow[6]?.reasons).toEqual([
      expect.stringContaining('2 organisations in your scope have the website domain twins.fr'),
    ]);
    expect(byRow[7]).toMatchObject({ action: 'create', matchId: null });
    expect(byRow[8]?.reasons).toEqual(['Same external id as row 7: each record once per file']);
    expect(byRow[9]?.reasons).toEqual([
      expect.stringMatching(/^aum\.amount \("Encours"\): "-5" is not an amount/),
    ]);
    expect(byRow[10]?.reasons).toEqual([expect.stringMatching(/^name \("Nom"\): /)]);
    expect(await tableCounts()).toEqual(before);

    // Validation reasons name the API field and the column.
    const invalid = await uploaded(
      fx,
      'manager',
      'organisations',
      'Nom;Type;Pays;E-mail\nBad;alien;Francia;nope\n',
    );
    expect(invalid.preview.data[0]?.reasons).toEqual([
      expect.stringMatching(/^types\.0 \("Type"\): Invalid option/),
      expect.stringMatching(/^country \("Pays"\): ISO 3166-1 alpha-2 code/),
      expect.stringMatching(/^email \("E-mail"\): /),
    ]);
  });

  it('pages with a cursor and filters by action; Admins may look at anyone’s job, others may not', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => `Org ${i};${i % 2 ? 'investor' : 'alien'}`);
    const job = await uploaded(fx, 'manager', 'organisations', `Nom;Type\n${rows.join('\n')}\n`);
    const first = (await (
      await callAs(fx, 'manager', `/api/v1/imports/${job.id}/preview?limit=3`)
    ).json()) as PreviewBody;
    expect(first.data.map((row) => row.row)).toEqual([2, 3, 4]);
    const second = (await (
      await callAs(fx, 'manager', `/api/v1/imports/${job.id}/preview?limit=3&cursor=${first.nextCursor}`)
    ).json()) as PreviewBody;
    expect(second.data.map((row) => row.row)).toEqual([5, 6, 7]);
    expect(second.totals).toEqual(first.totals);
    const rejects = (await (
      await callAs(fx, 'manager', `/api/v1/imports/${job.id}/preview?action=reject`)
    ).json()) as PreviewBody;
    expect(rejects.data.map((row) => row.row)).toEqual([2, 4, 6, 8]);
    const bad = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/preview?cursor=nope`);
    expect((await fileProblemOf(bad)).errors?.[0]?.code).toBe('invalid_cursor');

    expect((await callAs(fx, 'admin', `/api/v1/imports/${job.id}/preview`)).status).toBe(200);
    expect((await callAs(fx, 'admin', `/api/v1/imports/${job.id}`)).status).toBe(200);
    expect((await callAs(fx, 'otherManager', `/api/v1/imports/${job.id}`)).status).toBe(404);
    const list = (await (await callAs(fx, 'admin', '/api/v1/imports')).json()) as { data: ImportJobBody[] };
    expect(list.data.every((item) => item.ownerId === fx.users.admin.id)).toBe(true);
    const mine = (await (await callAs(fx, 'manager', '/api/v1/imports?limit=2')).json()) as {
      data: ImportJobBody[];
      nextCursor: string | null;
    };
    expect(mine.data[0]?.id).toBe(job.id);
    expect(mine.data[0]).not.toHaveProperty('errors');
    const next = (await (
      await callAs(fx, 'manager', `/api/v1/imports?limit=2&cursor=${mine.nextCursor}`)
    ).json()) as { data: ImportJobBody[] };
    expect(next.data.map((item) => item.id)).not.toContain(job.id);
  });
});

describe('error report', () => {
  it('before the commit: the rows the dry run rejects, with reasons and original values, UTF-8 with BOM', async () => {
    const csv = `${BOM}Nom;Type;Ville\n"Caisse ""Nord""";alien;Lille\nBonne;investor;Paris\n;investor;"Aix;Marseille"\n`;
    const job = await uploaded(fx, 'manager', 'organisations', csv, {
      fileName: encodeURIComponent('clients été.csv'),
    });
    const response = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/errors.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="clients _t_-errors.csv"; filename*=UTF-8''clients%20%C3%A9t%C3%A9-errors.csv`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const records = readCsvReport(text, ';');
    expect(records[0]).toEqual(['Row', 'Reasons', 'Nom', 'Type', 'Ville']);
    expect(records.slice(1).map((record) => [record[0], record.slice(2)])).toEqual([
      ['2', ['Caisse "Nord"', 'alien', 'Lille']],
      ['4', ['', 'investor', 'Aix;Marseille']],
    ]);
    expect(records[1]?.[1]).toMatch(/^types\.0 \("Type"\): Invalid option/);

    const comma = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/errors.csv?delimiter=comma`);
    expect(readCsvReport(new TextDecoder().decode(await comma.arrayBuffer()), ',')[0]).toEqual([
      'Row',
      'Reasons',
      'Nom',
      'Type',
      'Ville',
    ]);
  });

  it('a job whose stored rows are gone answers 409', async () => {
    const job = await uploaded(fx, 'manager', 'organisations', 'Nom;Type\nA;investor\n');
    await env.EXPORTS_BUCKET.delete(`imports/${job.id}/rows.json`);
    const response = await callAs(fx, 'manager', `/api/v1/imports/${job.id}/preview`);
    expect((await fileProblemOf(response, 409)).detail).toContain('no longer available');
  });
});
