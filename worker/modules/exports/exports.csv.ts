/**
 * CSV: UTF-8 with a BOM (Excel then reads accents right), RFC 4180 quoting,
 * CRLF line ends, `,` or `;` as delimiter. Dates are `YYYY-MM-DD`, timestamps
 * `YYYY-MM-DD HH:MM:SS` in UTC, amounts plain decimals with two places and no
 * thousands separator — a decimal point with `,`, a decimal comma with `;`.
 */
import type { Cell, Column, ExportSource, Lang } from './exports.types';

export const CSV_BOM = '\uFEFF';

export interface CsvOptions {
  delimiter: ',' | ';';
  lang: Lang;
}

/** Spreadsheet formula triggers (OWASP "CSV injection"): such text cells get a leading apostrophe. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(text: string, delimiter: string): string {
  return text.includes('"') || text.includes(delimiter) || text.includes('\n') || text.includes('\r')
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

export function formatCell(value: Cell, column: Column, delimiter: ',' | ';'): string {
  if (value === null || value === '') return '';
  switch (column.kind) {
    case 'amount':
      return delimiter === ';' ? String(value).replace('.', ',') : String(value);
    case 'integer':
      return String(value);
    case 'date':
      return String(value).slice(0, 10);
    case 'datetime':
      return String(value).slice(0, 19).replace('T', ' ');
    case 'text':
      return quote(guardFormula(String(value)), delimiter);
  }
}

export function csvHeader(columns: readonly Column[], options: CsvOptions): string {
  return `${columns.map((column) => quote(column.header[options.lang], options.delimiter)).join(options.delimiter)}\r\n`;
}

export function csvLines(rows: readonly Cell[][], columns: readonly Column[], delimiter: ',' | ';'): string {
  let text = '';
  for (const row of rows) {
    for (let index = 0; index < columns.length; index++) {
      if (index > 0) text += delimiter;
      text += formatCell(row[index] ?? null, columns[index] as Column, delimiter);
    }
    text += '\r\n';
  }
  return text;
}

/**
 * The CSV as a byte stream pulled one keyset page at a time: memory stays at
 * one page whatever the row count. `onDone` receives the row count (for the
 * audit log and job progress) when the last page is written.
 */
export function csvStream(
  source: ExportSource,
  options: CsvOptions & { pageSize?: number; onPage?(rows: number): void },
): { stream: ReadableStream<Uint8Array>; done: Promise<number> } {
  const encoder = new TextEncoder();
  const pages = source.pages(options.pageSize);
  let rows = 0;
  let settle: { resolve(rows: number): void; reject(error: unknown): void } | undefined;
  const done = new Promise<number>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(CSV_BOM + csvHeader(source.columns, options)));
      },
      async pull(controller) {
        try {
          const next = await pages.next();
          if (next.done) {
            controller.close();
            settle?.resolve(rows);
            return;
          }
          rows += next.value.length;
          options.onPage?.(rows);
          controller.enqueue(encoder.encode(csvLines(next.value, source.columns, options.delimiter)));
        } catch (error) {
          controller.error(error);
          settle?.reject(error);
        }
      },
      async cancel(reason) {
        await pages.return(undefined);
        settle?.reject(reason instanceof Error ? reason : new Error('CSV download cancelled'));
      },
    },
    // One page ahead at most.
    { highWaterMark: 1 },
  );
  return { stream, done };
}
