// Exported files looked at the way a user would: the PDF report through poppler
// (pdftotext finds the accented names, pdftoppm renders page 1) and the XLSX
// through LibreOffice (its native charts rendered to PDF, then PNG). The images
// land in test-results/exports/ for a human to look at.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Cell, ExportSource, Tally } from '../../worker/modules/exports/exports.types';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

// In workerd the TTFs arrive as bytes through wrangler's Data rule; Node reads the same files.
vi.mock('../../worker/modules/exports/fonts', async () => {
  const { readFileSync } = await import('node:fs');
  const bytes = (path: string) => {
    const buffer = readFileSync(require.resolve(path));
    return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  };
  return {
    PDF_FONTS: {
      regular: bytes('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'),
      bold: bytes('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'),
    },
  };
});

type Built = Promise<{ bytes: Uint8Array; rows: number }>;
interface Renderers {
  buildPdf(source: ExportSource, options: Record<string, unknown>): Built;
  buildXlsx(source: ExportSource, options: Record<string, unknown>): Built;
}
// Loaded by path so this Node-typed project does not type-check the worker modules (they use workerd types).
const modules = '../../worker/modules/exports/';
const { buildPdf } = (await import(`${modules}exports.pdf`)) as Renderers;
const { buildXlsx } = (await import(`${modules}exports.xlsx`)) as Renderers;

const OUT = join(process.cwd(), 'test-results', 'exports');
const NAMES = [
  'Société Générale d’Épargne',
  'Crédit Agricole Île-de-France',
  'Ørsted Œuvres',
  'Zoë Łukasiewicz',
  'Ærø Ñandú Çà',
];
const STAGES = ['Prospect', 'Qualifié', 'Proposition', 'Négociation', 'Gagné'];
const TYPES = ['Investor', 'Distributor', 'Partner'];

/** A source like the organisations one, without a database: the renderers are under test here. */
function sampleSource(rows: number): ExportSource {
  const tallies: Tally[] = [
    { title: { fr: 'Organisations par étape du pipeline', en: 'By stage' }, kind: 'bar', counts: new Map() },
    { title: { fr: 'Organisations par type', en: 'By type' }, kind: 'pie', counts: new Map() },
  ];
  const [byStage, byType] = tallies as [Tally, Tally];
  return {
    entity: 'organisations',
    title: { fr: 'Organisations', en: 'Organisations' },
    columns: [
      { header: { fr: 'Nom', en: 'Name' }, kind: 'text', width: 32 },
      { header: { fr: 'Étape', en: 'Stage' }, kind: 'text', width: 16 },
      { header: { fr: 'Type', en: 'Type' }, kind: 'text', width: 14 },
      { header: { fr: 'Ville', en: 'City' }, kind: 'text', width: 16 },
      { header: { fr: 'Encours', en: 'AUM' }, kind: 'amount', width: 18 },
      { header: { fr: 'Créée le', en: 'Created' }, kind: 'date', width: 12 },
    ],
    tallies,
    async *pages(pageSize = 500) {
      for (let start = 0; start < rows; start += pageSize) {
        const page: Cell[][] = [];
        for (let index = start; index < Math.min(rows, start + pageSize); index++) {
          const stage = STAGES[index % STAGES.length] as string;
          const type = TYPES[index % 3] as string;
          byStage.counts.set(stage, (byStage.counts.get(stage) ?? 0) + 1);
          byType.counts.set(type, (byType.counts.get(type) ?? 0) + 1);
          page.push([
            `${NAMES[index % NAMES.length]} ${index}`,
            stage,
            type,
            index % 2 ? 'Orléans' : 'Montréal',
            `${1000 + index * 37}.50`,
            '2026-03-14',
          ]);
        }
        yield page;
      }
    },
  };
}

const meta = {
  title: 'Organisations',
  metaLines: ['Filtres : statut = actif', 'Généré par Amélie Dupré le 2026-11-22 09:00 UTC'],
};
let profile: string;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  profile = await mkdtemp(join(tmpdir(), 'alforis-lo-'));
});
afterAll(async () => {
  await rm(profile, { recursive: true, force: true });
});

describe('exported files, opened', () => {
  it('PDF: paginated with page numbers, accented names extractable, page 1 rendered', async () => {
    const { bytes, rows } = await buildPdf(sampleSource(600), {
      lang: 'fr',
      colour: '366092',
      mark: 'Alforis',
      ...meta,
    });
    expect(rows).toBe(600);
    const path = join(OUT, 'organisations-report.pdf');
    await writeFile(path, bytes);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBeGreaterThan(10);
    const { stdout } = await run('pdftotext', ['-layout', path, '-']);
    for (const name of NAMES) expect(stdout).toContain(name);
    expect(stdout).toContain('Généré par Amélie Dupré');
    expect(stdout).toContain(`Page 1 sur ${doc.getPageCount()}`);
    expect(stdout).toContain(`Page ${doc.getPageCount()} sur ${doc.getPageCount()}`);
    // The header row repeats on every page.
    expect(stdout.split('\f').filter((page) => page.includes('Encours')).length).toBe(doc.getPageCount());
    await run('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '2', path, join(OUT, 'pdf-page')]);
    expect((await readdir(OUT)).filter((name) => name.startsWith('pdf-page'))).toHaveLength(2);
  });

  it('XLSX: LibreOffice opens it and renders the native charts', async () => {
    const { bytes } = await buildXlsx(sampleSource(30), { lang: 'fr', colour: '366092', ...meta });
    const path = join(OUT, 'organisations.xlsx');
    await writeFile(path, bytes);
    await run(
      'libreoffice',
      [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', OUT, path],
      { timeout: 90_000 },
    );
    const pdfPath = join(OUT, 'organisations.pdf');
    const pdf = await PDFDocument.load(await readFile(pdfPath));
    const pages = pdf.getPageCount();
    const { stdout } = await run('pdftotext', ['-layout', pdfPath, '-']);
    expect(stdout).toContain('Organisations par étape du pipeline');
    expect(stdout).toContain('Négociation');
    // The summary sheet (with its charts) is printed after the data sheet.
    await run('pdftoppm', [
      '-png',
      '-r',
      '70',
      '-f',
      String(pages - 1),
      '-l',
      String(pages),
      pdfPath,
      join(OUT, 'xlsx-page'),
    ]);
    expect((await readdir(OUT)).some((name) => name.startsWith('xlsx-page'))).toBe(true);
  });
});
