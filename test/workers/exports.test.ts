import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, exportJobs, outboxEvents } from '../../worker/db/schema';
import worker from '../../worker/index';
import { addCharts } from '../../worker/modules/exports/exports.charts';
import {
  callAs,
  capturingQueue,
  queueMessage,
  readCsvReport,
  runQueueBatch,
} from '../fixtures/imports/support';
import { BASE_URL, createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture } from './support/identity-fixture';
import { createRecordAs } from './support/records';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;
let mandateId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
  await createRecordAs(fx, 'user', 'organisations', {
    name: 'Société Générale d’Épargne',
    types: ['investor'],
    category: 'bank',
    city: 'Orléans',
    aumAmount: '1250000.50',
    aumCurrency: 'EUR',
  });
  await createRecordAs(fx, 'user', 'organisations', {
    name: '=HYPERLINK("http://evil")',
    types: ['distributor'],
    category: 'family_office',
    city: 'Paris; "centre"',
  });
  await createRecordAs(fx, 'otherUser', 'organisations', { name: 'Ørsted Œuvres Ñandú', types: ['partner'] });
  await createRecordAs(fx, 'teammate', 'organisations', { name: 'Zoé Müller SA', types: ['supplier'] });
  const organisationId = await createRecordAs(fx, 'user', 'organisations', {
    name: 'Crédit Agricole Île-de-France',
    types: ['investor'],
  });
  mandateId = await createRecordAs(fx, 'user', 'mandates', {
    number: 'M-2026-001',
    organisationId,
    title: 'Gestion déléguée — obligations',
    type: 'discretionary',
    status: 'signed',
    amount: '25000000.00',
    signedAt: '2026-03-01',
  });
  await createRecordAs(fx, 'user', 'people', { firstName: 'Anaïs', lastName: 'Lefèvre' });
});
afterAll(async () => {
  await database.drop();
});

const call = (who: Parameters<typeof callAs>[1], path: string, overrides: Partial<Env> = {}) =>
  callAs(fx, who, path, {}, overrides);

/**
 * A streamed download: the body must be read before the request's waitUntil
 * work settles (the pool stays open until the stream ends), unlike callWorker.
 */
async function stream(who: Parameters<typeof callAs>[1], path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE_URL}${path}`, {
      headers: { Authorization: `Bearer ${fx.users[who].token}` },
    }) as Parameters<typeof worker.fetch>[0],
    { ...env, DATABASE_URL: database.url },
    ctx,
  );
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: response.status, headers: response.headers });
}

async function csvOf(response: Response, delimiter = ',') {
  expect(response.status, await response.clone().text()).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  expect(text.startsWith('\uFEFF')).toBe(true);
  return readCsvReport(text.slice(1), delimiter);
}

describe('CSV', () => {
  it('writes a BOM, RFC 4180 quoting, accents, stated formats and neutralises formulas', async () => {
    const response = await stream('user', '/api/v1/exports/organisations/csv?lang=en&sort=name');
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toMatch(
      /^attachment; filename="organisations_.*\.csv"$/,
    );
    const records = await csvOf(response);
    expect(records[0]?.slice(0, 8)).toEqual([
      'Name',
      'Types',
      'Category',
      'Status',
      'Stage',
      'City',
      'Country',
      'AUM',
    ]);
    const names = records.slice(1).map((record) => record[0]);
    // The user's scope is their own records: neither the teammate's nor the other team's.
    expect(names).toEqual([
      '\'=HYPERLINK("http://evil")',
      'Crédit Agricole Île-de-France',
      'Société Générale d’Épargne',
    ]);
    const evil = records[1] as string[];
    expect(evil[5]).toBe('Paris; "centre"');
    const bank = records[3] as string[];
    expect(bank[5]).toBe('Orléans');
    expect(bank[7]).toBe('1250000.50');
    expect(bank[12]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(bank[13]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('uses ; with decimal commas for French Excel, and keeps the list filters', async () => {
    const records = await csvOf(
      await stream('user', '/api/v1/exports/organisations/csv?delimiter=%3B&lang=fr&category=bank'),
      ';',
    );
    expect(records).toHaveLength(2);
    expect(records[0]?.[0]).toBe('Nom');
    expect(records[1]?.[0]).toBe('Société Générale d’Épargne');
    expect(records[1]?.[7]).toBe('1250000,50');
  });

  it('scopes by role: a Manager sees the team, an Admin everything', async () => {
    const team = await csvOf(await stream('manager', '/api/v1/exports/organisations/csv'));
    expect(team.slice(1).map((r) => r[0])).toContain('Zoé Müller SA');
    expect(team.slice(1).map((r) => r[0])).not.toContain('Ørsted Œuvres Ñandú');
    const all = await csvOf(await stream('admin', '/api/v1/exports/organisations/csv'));
    expect(all.slice(1).map((r) => r[0])).toContain('Ørsted Œuvres Ñandú');
  });

  it('exports people and mandates (and the /mandats/ alias), and audits each export', async () => {
    const people = await csvOf(await stream('user', '/api/v1/exports/people/csv'));
    expect(people[1]?.slice(0, 2)).toEqual(['Lefèvre', 'Anaïs']);
    const mandates = await csvOf(await stream('user', '/api/v1/exports/mandats/csv?status=signed'));
    expect(mandates[1]?.slice(0, 3)).toEqual([
      'M-2026-001',
      'Gestion déléguée — obligations',
      'Crédit Agricole Île-de-France',
    ]);
    const handle = testDbHandle(database.url);
    try {
      const rows = await handle.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.actorId, fx.users.user.id), eq(auditLog.action, 'export')));
      const mandateAudit = rows.find((row) => row.targetType === 'mandates');
      expect(mandateAudit?.changes).toMatchObject({
        format: { after: 'csv' },
        filters: { after: { status: ['signed'] } },
        rows: { after: 1 },
      });
    } finally {
      await handle.close();
    }
  });

  it('answers 422 for bad filters and 403 without the export permission', async () => {
    const bad = await stream('user', '/api/v1/exports/organisations/csv?type=spaceship&delimiter=%7C');
    expect(bad.status).toBe(422);
    const problem = await problemOf(bad);
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(['delimiter', 'type.0']);
    expect((await call('user', '/api/v1/exports/organisations/zip')).status).toBe(422);
    expect((await stream('viewer', '/api/v1/exports/organisations/csv')).status).toBe(403);
  });
});

/** Every XML part parses (saxes is the parser exceljs itself uses). */
function assertWellFormed(xml: string, name: string) {
  const parser = new SaxesParser({ xmlns: true });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure = error;
  });
  parser.write(xml).close();
  expect(failure, `${name}: ${failure?.message}`).toBeUndefined();
}

describe('Excel', () => {
  it('has a styled, frozen, filtered data sheet and a summary with native charts', async () => {
    const response = await call('admin', '/api/v1/exports/organisations/excel?lang=fr&sort=name');
    expect(response.status, await response.clone().text()).toBe(200);
    const bytes = await response.arrayBuffer();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes);
    const data = workbook.getWorksheet('Données');
    if (!data) throw new Error('no data sheet');
    expect(data.getRow(1).getCell(1).value).toBe('Nom');
    const fill = data.getRow(1).getCell(1).fill as ExcelJS.FillPattern;
    expect(fill.fgColor?.argb).toBe('FF366092');
    expect(data.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(data.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(data.autoFilter).toBeTruthy();
    const names = data.getColumn(1).values.slice(2);
    expect(names).toContain('Ørsted Œuvres Ñandú');
    const bankRow = data
      .getRows(2, data.rowCount - 1)
      ?.find((row) => row.getCell(1).value === 'Société Générale d’Épargne');
    expect(bankRow?.getCell(8).value).toBe(1250000.5);
    expect(bankRow?.getCell(8).numFmt).toBe('#,##0.00');
    expect(bankRow?.getCell(13).value).toBeInstanceOf(Date);
    expect(bankRow?.getCell(13).numFmt).toBe('yyyy-mm-dd');
    const summary = workbook.getWorksheet('Synthèse');
    expect(summary?.getCell('A1').value).toBe('Organisations');

    const zip = await JSZip.loadAsync(bytes);
    const charts = Object.keys(zip.files).filter((name) => /^xl\/charts\/chart\d+\.xml$/.test(name));
    expect(charts).toHaveLength(3);
    const types = await zip.file('[Content_Types].xml')?.async('string');
    for (const chart of charts) {
      const xml = (await zip.file(chart)?.async('string')) ?? '';
      assertWellFormed(xml, chart);
      expect(types).toContain(`PartName="/${chart}"`);
    }
    const kinds = await Promise.all(
      charts.map(async (chart) => (await zip.file(chart)?.async('string'))?.match(/<c:(bar|pie)Chart>/)?.[1]),
    );
    expect(kinds.sort()).toEqual(['bar', 'pie', 'pie']);
    const drawing = (await zip.file('xl/drawings/drawing1.xml')?.async('string')) ?? '';
    assertWellFormed(drawing, 'drawing1');
    const drawingRels = (await zip.file('xl/drawings/_rels/drawing1.xml.rels')?.async('string')) ?? '';
    assertWellFormed(drawingRels, 'drawing1 rels');
    for (const chart of charts) expect(drawingRels).toContain(`Target="../${chart.slice(3)}"`);
    const sheetRels = (await zip.file('xl/worksheets/_rels/sheet2.xml.rels')?.async('string')) ?? '';
    expect(sheetRels).toContain('Target="../drawings/drawing1.xml"');
    const sheet = (await zip.file('xl/worksheets/sheet2.xml')?.async('string')) ?? '';
    assertWellFormed(sheet, 'sheet2');
    expect(sheet).toMatch(/<drawing r:id="[^"]+"\/><\/worksheet>$/);
  });

  it('charts module: escapes names and refuses a sheet that does not exist', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("L'été");
    const base = await workbook.xlsx.writeBuffer();
    const spec = {
      kind: 'pie' as const,
      title: 'Répartition <A&B>',
      seriesName: 'Nombre',
      categoriesRange: 'A2:A3',
      valuesRange: 'B2:B3',
      categories: ['Banque & Co', 'Assureur'],
      values: [2, 3],
      from: { col: 3, row: 0 },
      to: { col: 10, row: 15 },
      colour: '366092',
    };
    const out = await addCharts(base as ArrayBuffer, "L'été", [spec]);
    const zip = await JSZip.loadAsync(out);
    const chart = (await zip.file('xl/charts/chart1.xml')?.async('string')) ?? '';
    assertWellFormed(chart, 'chart1');
    expect(chart).toContain('&apos;L&apos;&apos;été&apos;!$A$2:$A$3');
    expect(chart).toContain('Banque &amp; Co');
    await expect(addCharts(base as ArrayBuffer, 'Nope', [spec])).rejects.toThrow(/no sheet named Nope/);
  });
});

describe('PDF', () => {
  it('renders a branded report with the rows', async () => {
    const response = await call('admin', '/api/v1/exports/organisations/pdf');
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    const doc = await PDFDocument.load(await response.arrayBuffer());
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('Organisations');
  });

  it('renders one mandate sheet, scoped like the mandate itself', async () => {
    const response = await call('user', `/api/v1/exports/mandates/${mandateId}/pdf`);
    expect(response.status, await response.clone().text()).toBe(200);
    const doc = await PDFDocument.load(await response.arrayBuffer());
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('M-2026-001 — Gestion déléguée — obligations');
    expect((await call('otherUser', `/api/v1/exports/mandats/${mandateId}/pdf`)).status).toBe(404);
  });
});

describe('jobs', () => {
  it('builds a large export through the queue into R2, emits export.completed and signs short-lived downloads', async () => {
    const queue = capturingQueue();
    const response = await call('user', '/api/v1/exports/organisations/csv?mode=async&delimiter=%3B', {
      EXPORTS_QUEUE: queue,
    });
    expect(response.status, await response.clone().text()).toBe(202);
    const job = (await response.json()) as { id: string; status: string; totalRows: number };
    expect(job).toMatchObject({ status: 'queued', totalRows: 3 });
    expect(queue.sent).toEqual([{ id: `export:${job.id}`, type: 'export.build', jobId: job.id }]);

    const message = queue.sent[0];
    const result = await runQueueBatch('exports', [queueMessage('m1', message)], {
      DATABASE_URL: database.url,
    });
    expect(result.explicitAcks).toEqual(['m1']);
    // At-least-once delivery: a second run changes nothing.
    await runQueueBatch('exports', [queueMessage('m2', message)], { DATABASE_URL: database.url });

    const handle = testDbHandle(database.url);
    try {
      const [row] = await handle.db.select().from(exportJobs).where(eq(exportJobs.id, job.id));
      expect(row).toMatchObject({ status: 'completed', processedRows: 3 });
      const events = await handle.db.select().from(outboxEvents).where(eq(outboxEvents.entityId, job.id));
      expect(events.map((event) => event.type)).toEqual(['export.completed']);
      expect(events[0]).toMatchObject({
        entityType: 'export',
        actorId: fx.users.user.id,
        ownerId: fx.users.user.id,
        payload: { entity: 'organisations', format: 'csv', rows: 3, fileName: row?.fileName },
      });
      const stored = await env.EXPORTS_BUCKET.get(row?.fileKey ?? '');
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await stored?.arrayBuffer());
      expect(text.startsWith('\uFEFFNom;')).toBe(true);
    } finally {
      await handle.close();
    }

    const status = (await (await call('user', `/api/v1/exports/jobs/${job.id}`)).json()) as {
      status: string;
      progress: number;
      downloadUrl: string;
    };
    expect(status).toMatchObject({ status: 'completed', progress: 1 });
    const download = await call('user', status.downloadUrl);
    expect(download.status).toBe(200);
    expect((await csvOf(download, ';')).slice(1).map((r) => r[0])).toHaveLength(3);

    // Someone else cannot use it, a forged signature fails, and an expired link fails.
    expect((await call('teammate', status.downloadUrl)).status).toBe(404);
    expect((await call('user', status.downloadUrl.replace(/signature=./, 'signature=0'))).status).toBe(403);
    const expired = status.downloadUrl.replace(/expires=\d+/, `expires=${Math.floor(Date.now() / 1000) - 1}`);
    const expiredResponse = await call('user', expired);
    expect(expiredResponse.status).toBe(403);

    const list = (await (await call('user', '/api/v1/exports/jobs')).json()) as { data: { id: string }[] };
    expect(list.data.map((entry) => entry.id)).toContain(job.id);
    expect(
      ((await (await call('teammate', '/api/v1/exports/jobs')).json()) as { data: unknown[] }).data,
    ).toEqual([]);
  });

  it('builds an Excel job and fails a job whose retries are exhausted with export.failed', async () => {
    const queue = capturingQueue();
    const response = await call('manager', '/api/v1/exports/organisations/excel?mode=async', {
      EXPORTS_QUEUE: queue,
    });
    expect(response.status).toBe(202);
    const job = (await response.json()) as { id: string };
    const message = queue.sent[0];
    await runQueueBatch('exports', [queueMessage('x1', message)], { DATABASE_URL: database.url });
    const done = (await (await call('manager', `/api/v1/exports/jobs/${job.id}`)).json()) as {
      status: string;
      sizeBytes: number;
    };
    expect(done.status).toBe('completed');
    expect(done.sizeBytes).toBeGreaterThan(1000);

    const second = await call('manager', '/api/v1/exports/mandates/pdf?mode=async', { EXPORTS_QUEUE: queue });
    const failed = (await second.json()) as { id: string };
    await runQueueBatch('exports-dlq', [queueMessage('d1', queue.sent[1])], { DATABASE_URL: database.url });
    const handle = testDbHandle(database.url);
    try {
      const [row] = await handle.db.select().from(exportJobs).where(eq(exportJobs.id, failed.id));
      expect(row?.status).toBe('failed');
      const events = await handle.db.select().from(outboxEvents).where(eq(outboxEvents.entityId, failed.id));
      expect(events.map((event) => event.type)).toEqual(['export.failed']);
    } finally {
      await handle.close();
    }
  });
});
