/**
 * Excel: a data sheet (styled header in the brand colour, frozen header row,
 * autofilter, widths, number/date formats) and a summary sheet whose tables
 * feed native charts added by exports.charts.ts.
 */
import ExcelJS from 'exceljs';
import { addCharts, type ChartSpec } from './exports.charts';
import type { Cell, Column, ExportSource, Lang, Tally } from './exports.types';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const NUMBER_FORMATS = {
  amount: '#,##0.00',
  integer: '0',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
} as const;

const SHEET_NAMES = {
  data: { fr: 'Données', en: 'Data' },
  summary: { fr: 'Synthèse', en: 'Summary' },
} as const;

export function summarySheetName(lang: Lang): string {
  return SHEET_NAMES.summary[lang];
}

function excelValue(value: Cell, column: Column): ExcelJS.CellValue {
  if (value === null || value === '') return null;
  switch (column.kind) {
    case 'amount':
    case 'integer':
      return Number(value);
    case 'date':
      return new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
    case 'datetime':
      return new Date(String(value));
    case 'text':
      return String(value);
  }
}

function headerStyle(row: ExcelJS.Row, colour: string) {
  row.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${colour}` } };
  row.alignment = { vertical: 'middle' };
  row.height = 20;
}

/** Summary tables stacked down column A:B, each chart beside its table. */
const CHART_HEIGHT_ROWS = 18;

function summarySheet(
  workbook: ExcelJS.Workbook,
  tallies: readonly Tally[],
  lang: Lang,
  colour: string,
  meta: { title: string; lines: string[] },
): ChartSpec[] {
  const sheet = workbook.addWorksheet(summarySheetName(lang));
  sheet.getColumn(1).width = 30;
  sheet.getColumn(2).width = 12;
  sheet.getCell('A1').value = meta.title;
  sheet.getCell('A1').font = { bold: true, size: 16, color: { argb: `FF${colour}` } };
  meta.lines.forEach((line, index) => {
    sheet.getCell(`A${index + 2}`).value = line;
  });
  const charts: ChartSpec[] = [];
  let top = meta.lines.length + 3;
  for (const entry of tallies) {
    const entries = [...entry.counts.entries()];
    if (entries.length === 0) continue;
    sheet.getCell(`A${top}`).value = entry.title[lang];
    sheet.getCell(`A${top}`).font = { bold: true };
    const header = sheet.getRow(top + 1);
    header.getCell(1).value = lang === 'fr' ? 'Libellé' : 'Label';
    header.getCell(2).value = lang === 'fr' ? 'Nombre' : 'Count';
    header.getCell(1).font = { bold: true, color: { argb: 'FFFFFFFF' } };
    header.getCell(2).font = { bold: true, color: { argb: 'FFFFFFFF' } };
    for (const cell of [header.getCell(1), header.getCell(2)]) {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${colour}` } };
    }
    entries.forEach(([label, value], index) => {
      const row = sheet.getRow(top + 2 + index);
      row.getCell(1).value = label;
      row.getCell(2).value = value;
    });
    const first = top + 2;
    const last = top + 1 + entries.length;
    charts.push({
      kind: entry.kind,
      title: entry.title[lang],
      seriesName: lang === 'fr' ? 'Nombre' : 'Count',
      categoriesRange: `A${first}:A${last}`,
      valuesRange: `B${first}:B${last}`,
      categories: entries.map(([label]) => label),
      values: entries.map(([, value]) => value),
      from: { col: 3, row: top - 1 },
      to: { col: 11, row: top - 1 + CHART_HEIGHT_ROWS },
      colour,
    });
    top += Math.max(entries.length + 3, CHART_HEIGHT_ROWS + 2);
  }
  return charts;
}

export interface XlsxOptions {
  lang: Lang;
  /** `RRGGBB` */
  colour: string;
  title: string;
  /** Lines under the summary title: filters, who, when. */
  metaLines: string[];
  onPage?(rows: number): void | Promise<void>;
}

export async function buildXlsx(
  source: ExportSource,
  options: XlsxOptions,
): Promise<{ bytes: Uint8Array; rows: number }> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Alforis CRM';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(SHEET_NAMES.data[options.lang], {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = source.columns.map((column, index) => ({
    header: column.header[options.lang],
    key: `c${index}`,
    width: column.width,
    style: column.kind === 'text' ? {} : { numFmt: NUMBER_FORMATS[column.kind] },
  }));
  headerStyle(sheet.getRow(1), options.colour);
  let rows = 0;
  for await (const page of source.pages()) {
    for (const row of page)
      sheet.addRow(row.map((value, index) => excelValue(value, source.columns[index] as Column)));
    rows += page.length;
    await options.onPage?.(rows);
  }
  sheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: Math.max(1, rows + 1), column: source.columns.length },
  };
  const charts = summarySheet(workbook, source.tallies, options.lang, options.colour, {
    title: options.title,
    lines: options.metaLines,
  });
  const written = await workbook.xlsx.writeBuffer();
  const bytes = await addCharts(written as ArrayBuffer, summarySheetName(options.lang), charts);
  return { bytes, rows };
}
