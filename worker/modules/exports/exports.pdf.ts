/**
 * Branded PDF reports (pdf-lib): a text logo mark, title, filters, generated
 * by/at, vector charts of the summary, then the rows as a table whose header
 * repeats on every page, and page numbers. Noto Sans is embedded, so
 * every Latin, Greek, Cyrillic and Vietnamese name prints. Whole, not subset:
 * pdf-lib's subsetter drops glyphs of Noto Sans (seen as missing letters).
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, type RGB, rgb } from 'pdf-lib';
import type { Cell, Column, ExportSource, Lang, Tally } from './exports.types';
import { PDF_FONTS } from './fonts';

export const PDF_MEDIA_TYPE = 'application/pdf';

const PAGE = { width: 841.89, height: 595.28 }; // A4 landscape
const MARGIN = 32;
const ROW_HEIGHT = 13;
const FONT_SIZE = 7.5;
const GREY = rgb(0.35, 0.35, 0.35);
const LIGHT = rgb(0.94, 0.95, 0.97);
const PIE_COLOURS = [
  '366092',
  'E46C0A',
  '9BBB59',
  '8064A2',
  '4BACC6',
  'F79646',
  'C0504D',
  '7F7F7F',
  '1F497D',
];

export function hexColour(hex: string): RGB {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return rgb(((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255);
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

async function newDocument(title: string): Promise<{ doc: PDFDocument; fonts: Fonts }> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(title);
  doc.setCreator('Alforis CRM');
  doc.setProducer('Alforis CRM');
  const [regular, bold] = await Promise.all([
    doc.embedFont(PDF_FONTS.regular),
    doc.embedFont(PDF_FONTS.bold),
  ]);
  return { doc, fonts: { regular, bold } };
}

const advances = new WeakMap<PDFFont, Map<string, number>>();

/**
 * Width from cached per-character advances (no kerning): fontkit's layout per
 * call dominated the PDF time; a table cell does not need kerning precision.
 */
function textWidth(font: PDFFont, text: string, size: number): number {
  let cache = advances.get(font);
  if (!cache) {
    cache = new Map();
    advances.set(font, cache);
  }
  let width = 0;
  for (const char of text) {
    let advance = cache.get(char);
    if (advance === undefined) {
      advance = font.widthOfTextAtSize(char, 1);
      cache.set(char, advance);
    }
    width += advance;
  }
  return width * size;
}

/** Cuts `text` to fit `width`, with an ellipsis. */
function clip(text: string, font: PDFFont, size: number, width: number): string {
  if (textWidth(font, text, size) <= width) return text;
  const ellipsis = textWidth(font, '…', size);
  let used = 0;
  let end = 0;
  for (const char of text) {
    const next = textWidth(font, char, size);
    if (used + next + ellipsis > width) break;
    used += next;
    end += char.length;
  }
  return `${text.slice(0, end)}…`;
}

function displayCell(value: Cell, column: Column, lang: Lang): string {
  if (value === null || value === '') return '';
  switch (column.kind) {
    case 'amount': {
      const [whole = '0', cents = '00'] = String(value).split('.');
      const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fr' ? '\u202f' : ',');
      return `${grouped}${lang === 'fr' ? ',' : '.'}${cents.padEnd(2, '0')}`;
    }
    case 'datetime':
      return String(value).slice(0, 16).replace('T', ' ');
    case 'date':
      return String(value).slice(0, 10);
    default:
      return String(value);
  }
}

interface Brand {
  colour: RGB;
  /** The text mark drawn as the logo. */
  mark: string;
}

/** Logo mark + title + meta lines; returns the y below it. */
function drawHeader(
  page: PDFPage,
  fonts: Fonts,
  brand: Brand,
  title: string,
  lines: readonly string[],
): number {
  const top = PAGE.height - MARGIN;
  page.drawRectangle({ x: MARGIN, y: top - 26, width: 26, height: 26, color: brand.colour });
  page.drawText(brand.mark.charAt(0).toUpperCase(), {
    x: MARGIN + 7,
    y: top - 20,
    size: 17,
    font: fonts.bold,
    color: rgb(1, 1, 1),
  });
  page.drawText(brand.mark, { x: MARGIN + 34, y: top - 18, size: 12, font: fonts.bold, color: brand.colour });
  page.drawText(title, { x: MARGIN, y: top - 52, size: 18, font: fonts.bold, color: rgb(0.1, 0.1, 0.1) });
  let y = top - 68;
  for (const line of lines) {
    page.drawText(clip(line, fonts.regular, 9, PAGE.width - 2 * MARGIN), {
      x: MARGIN,
      y,
      size: 9,
      font: fonts.regular,
      color: GREY,
    });
    y -= 12;
  }
  page.drawLine({
    start: { x: MARGIN, y: y - 2 },
    end: { x: PAGE.width - MARGIN, y: y - 2 },
    thickness: 1,
    color: brand.colour,
  });
  return y - 14;
}

function drawBarChart(page: PDFPage, fonts: Fonts, brand: Brand, tally: Tally, lang: Lang, box: Box) {
  page.drawText(tally.title[lang], { x: box.x, y: box.y + box.height - 12, size: 10, font: fonts.bold });
  const entries = [...tally.counts.entries()].slice(0, 14);
  const max = Math.max(1, ...entries.map(([, value]) => value));
  const plotTop = box.y + box.height - 30;
  const plotBottom = box.y + 28;
  const slot = (box.width - 10) / Math.max(1, entries.length);
  page.drawLine({
    start: { x: box.x, y: plotBottom },
    end: { x: box.x + box.width, y: plotBottom },
    color: GREY,
  });
  entries.forEach(([label, value], index) => {
    const height = ((plotTop - plotBottom) * value) / max;
    const x = box.x + 5 + index * slot + slot * 0.15;
    page.drawRectangle({ x, y: plotBottom, width: slot * 0.7, height, color: brand.colour });
    const text = String(value);
    page.drawText(text, {
      x: x + (slot * 0.7 - fonts.regular.widthOfTextAtSize(text, 7)) / 2,
      y: plotBottom + height + 2,
      size: 7,
      font: fonts.regular,
    });
    const name = clip(label, fonts.regular, 6.5, slot - 2);
    page.drawText(name, {
      x: x + (slot * 0.7 - fonts.regular.widthOfTextAtSize(name, 6.5)) / 2,
      y: plotBottom - 10,
      size: 6.5,
      font: fonts.regular,
      color: GREY,
    });
  });
}

function drawPieChart(page: PDFPage, fonts: Fonts, tally: Tally, lang: Lang, box: Box) {
  page.drawText(tally.title[lang], { x: box.x, y: box.y + box.height - 12, size: 10, font: fonts.bold });
  const entries = [...tally.counts.entries()].filter(([, value]) => value > 0);
  const total = entries.reduce((sum, [, value]) => sum + value, 0);
  const radius = Math.min(box.height - 40, box.width / 2 - 10) / 2;
  const cx = box.x + radius + 4;
  const cy = box.y + (box.height - 20) / 2;
  let angle = -Math.PI / 2;
  entries.forEach(([label, value], index) => {
    const colour = hexColour(PIE_COLOURS[index % PIE_COLOURS.length] as string);
    const sweep = (value / Math.max(1, total)) * Math.PI * 2;
    if (entries.length === 1) {
      page.drawCircle({ x: cx, y: cy, size: radius, color: colour });
    } else {
      // drawSvgPath draws with y pointing down from its origin.
      const x1 = Math.cos(angle) * radius;
      const y1 = -Math.sin(angle) * radius;
      const x2 = Math.cos(angle + sweep) * radius;
      const y2 = -Math.sin(angle + sweep) * radius;
      const large = sweep > Math.PI ? 1 : 0;
      page.drawSvgPath(`M 0 0 L ${x1} ${y1} A ${radius} ${radius} 0 ${large} 0 ${x2} ${y2} Z`, {
        x: cx,
        y: cy,
        color: colour,
      });
    }
    angle += sweep;
    const legendY = box.y + box.height - 30 - index * 12;
    if (legendY > box.y) {
      page.drawRectangle({ x: cx + radius + 14, y: legendY, width: 8, height: 8, color: colour });
      const percent = total > 0 ? Math.round((value / total) * 100) : 0;
      page.drawText(clip(`${label} — ${value} (${percent} %)`, fonts.regular, 7.5, box.width / 2 - 20), {
        x: cx + radius + 26,
        y: legendY + 1,
        size: 7.5,
        font: fonts.regular,
      });
    }
  });
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function drawCharts(
  page: PDFPage,
  fonts: Fonts,
  brand: Brand,
  tallies: readonly Tally[],
  lang: Lang,
  top: number,
) {
  const shown = tallies.filter((tally) => tally.counts.size > 0).slice(0, 3);
  const width = (PAGE.width - 2 * MARGIN - (shown.length - 1) * 16) / Math.max(1, shown.length);
  const height = 170;
  shown.forEach((tally, index) => {
    const box = { x: MARGIN + index * (width + 16), y: top - height, width, height };
    if (tally.kind === 'bar') drawBarChart(page, fonts, brand, tally, lang, box);
    else drawPieChart(page, fonts, tally, lang, box);
  });
  return shown.length > 0 ? top - height - 16 : top;
}

function drawPageNumbers(doc: PDFDocument, fonts: Fonts, lang: Lang, footer: string) {
  const pages = doc.getPages();
  pages.forEach((page, index) => {
    const label =
      lang === 'fr' ? `Page ${index + 1} sur ${pages.length}` : `Page ${index + 1} of ${pages.length}`;
    page.drawText(label, {
      x: PAGE.width - MARGIN - fonts.regular.widthOfTextAtSize(label, 8),
      y: MARGIN / 2,
      size: 8,
      font: fonts.regular,
      color: GREY,
    });
    page.drawText(footer, { x: MARGIN, y: MARGIN / 2, size: 8, font: fonts.regular, color: GREY });
  });
}

export interface PdfOptions {
  lang: Lang;
  colour: string;
  mark: string;
  title: string;
  metaLines: string[];
  onPage?(rows: number): void | Promise<void>;
}

/**
 * Rows are read before drawing (the charts on page 1 need the totals); the
 * size strategy (ADR 017) keeps synchronous PDFs small enough for that.
 */
export async function buildPdf(
  source: ExportSource,
  options: PdfOptions,
): Promise<{ bytes: Uint8Array; rows: number }> {
  const { doc, fonts } = await newDocument(options.title);
  const brand: Brand = { colour: hexColour(options.colour), mark: options.mark };
  const rows: Cell[][] = [];
  for await (const page of source.pages()) {
    for (const row of page) rows.push(row);
    await options.onPage?.(rows.length);
  }
  const columns = source.columns;
  const totalWidth = columns.reduce((sum, column) => sum + column.width, 0);
  const usable = PAGE.width - 2 * MARGIN;
  const widths = columns.map((column) => (column.width / totalWidth) * usable);

  let page = doc.addPage([PAGE.width, PAGE.height]);
  let y = drawHeader(page, fonts, brand, options.title, options.metaLines);
  y = drawCharts(page, fonts, brand, source.tallies, options.lang, y);

  const drawTableHeader = () => {
    page.drawRectangle({
      x: MARGIN,
      y: y - ROW_HEIGHT + 3,
      width: usable,
      height: ROW_HEIGHT + 2,
      color: brand.colour,
    });
    let x = MARGIN;
    columns.forEach((column, index) => {
      const width = widths[index] as number;
      page.drawText(clip(column.header[options.lang], fonts.bold, FONT_SIZE, width - 4), {
        x: x + 2,
        y: y - ROW_HEIGHT + 7,
        size: FONT_SIZE,
        font: fonts.bold,
        color: rgb(1, 1, 1),
      });
      x += width;
    });
    y -= ROW_HEIGHT + 2;
  };
  drawTableHeader();
  rows.forEach((row, rowIndex) => {
    if (y - ROW_HEIGHT < MARGIN + 6) {
      page = doc.addPage([PAGE.width, PAGE.height]);
      y = PAGE.height - MARGIN;
      page.drawText(options.title, { x: MARGIN, y: y - 10, size: 10, font: fonts.bold, color: brand.colour });
      y -= 22;
      drawTableHeader();
    }
    if (rowIndex % 2 === 1) {
      page.drawRectangle({
        x: MARGIN,
        y: y - ROW_HEIGHT + 3,
        width: usable,
        height: ROW_HEIGHT,
        color: LIGHT,
      });
    }
    let x = MARGIN;
    columns.forEach((column, index) => {
      const width = widths[index] as number;
      const text = displayCell(row[index] ?? null, column, options.lang);
      if (text) {
        const shown = clip(text, fonts.regular, FONT_SIZE, width - 4);
        const right = column.kind === 'amount' || column.kind === 'integer';
        page.drawText(shown, {
          x: right ? x + width - 2 - textWidth(fonts.regular, shown, FONT_SIZE) : x + 2,
          y: y - ROW_HEIGHT + 6,
          size: FONT_SIZE,
          font: fonts.regular,
        });
      }
      x += width;
    });
    y -= ROW_HEIGHT;
  });
  if (rows.length === 0) {
    page.drawText(
      options.lang === 'fr' ? 'Aucune ligne ne correspond aux filtres.' : 'No row matches the filters.',
      {
        x: MARGIN,
        y: y - 14,
        size: 10,
        font: fonts.regular,
        color: GREY,
      },
    );
  }
  drawPageNumbers(doc, fonts, options.lang, options.mark);
  return { bytes: await doc.save(), rows: rows.length };
}

export interface MandateSheet {
  number: string;
  title: string;
  organisation: string;
  fields: [string, string][];
  notes: string | null;
}

/** One mandate on one page: identity, terms and fees. */
export async function buildMandateSheetPdf(
  sheet: MandateSheet,
  options: { lang: Lang; colour: string; mark: string; metaLines: string[] },
): Promise<Uint8Array> {
  const title = `${sheet.number} — ${sheet.title}`;
  const { doc, fonts } = await newDocument(title);
  const brand: Brand = { colour: hexColour(options.colour), mark: options.mark };
  const page = doc.addPage([PAGE.height, PAGE.width]); // portrait
  const width = PAGE.height;
  const top = PAGE.width - MARGIN;
  page.drawRectangle({ x: MARGIN, y: top - 26, width: 26, height: 26, color: brand.colour });
  page.drawText(brand.mark.charAt(0).toUpperCase(), {
    x: MARGIN + 7,
    y: top - 20,
    size: 17,
    font: fonts.bold,
    color: rgb(1, 1, 1),
  });
  page.drawText(brand.mark, { x: MARGIN + 34, y: top - 18, size: 12, font: fonts.bold, color: brand.colour });
  let y = top - 56;
  page.drawText(clip(title, fonts.bold, 16, width - 2 * MARGIN), {
    x: MARGIN,
    y,
    size: 16,
    font: fonts.bold,
  });
  y -= 18;
  page.drawText(clip(sheet.organisation, fonts.regular, 12, width - 2 * MARGIN), {
    x: MARGIN,
    y,
    size: 12,
    font: fonts.regular,
    color: brand.colour,
  });
  y -= 14;
  for (const line of options.metaLines) {
    page.drawText(clip(line, fonts.regular, 8, width - 2 * MARGIN), {
      x: MARGIN,
      y,
      size: 8,
      font: fonts.regular,
      color: GREY,
    });
    y -= 11;
  }
  y -= 10;
  for (const [label, value] of sheet.fields) {
    page.drawLine({
      start: { x: MARGIN, y: y - 4 },
      end: { x: width - MARGIN, y: y - 4 },
      thickness: 0.5,
      color: LIGHT,
    });
    page.drawText(label, { x: MARGIN, y, size: 10, font: fonts.bold, color: GREY });
    page.drawText(clip(value || '—', fonts.regular, 10, width - 2 * MARGIN - 170), {
      x: MARGIN + 170,
      y,
      size: 10,
      font: fonts.regular,
    });
    y -= 20;
  }
  if (sheet.notes) {
    y -= 6;
    page.drawText(options.lang === 'fr' ? 'Notes sur les frais' : 'Fee notes', {
      x: MARGIN,
      y,
      size: 10,
      font: fonts.bold,
      color: GREY,
    });
    y -= 14;
    for (const line of sheet.notes.split(/\r?\n/).slice(0, 30)) {
      page.drawText(clip(line, fonts.regular, 9, width - 2 * MARGIN), {
        x: MARGIN,
        y,
        size: 9,
        font: fonts.regular,
      });
      y -= 12;
      if (y < MARGIN + 20) break;
    }
  }
  page.drawText(brand.mark, { x: MARGIN, y: MARGIN / 2, size: 8, font: fonts.regular, color: GREY });
  return doc.save();
}
