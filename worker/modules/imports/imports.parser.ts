/**
 * Reads an uploaded CSV or XLSX into a header row and data rows of strings.
 * Every refusal is a 422 with a specific `errors[].code`, so the UI can tell
 * the user exactly what to change in the file.
 */
import ExcelJS from 'exceljs';
import { AppError } from '../../lib/errors';
import { MAX_COLUMNS, MAX_ROWS, MAX_XLSX_EXPANDED_BYTES } from './imports.limits';

export type FileType = 'csv' | 'xlsx';
export type Delimiter = ',' | ';' | '\t';

export interface ParsedRow {
  /** The row number a spreadsheet shows for it (1-based; the header row counts). */
  row: number;
  /** One string per header, as read (not trimmed). */
  cells: string[];
  /** Non-empty values beyond the last header column. */
  extraValues?: number;
}

export interface ParsedFile {
  fileType: FileType;
  /** The CSV delimiter; null for XLSX. */
  delimiter: Delimiter | null;
  headerRow: number;
  headers: string[];
  rows: ParsedRow[];
}

export type FileProblemCode =
  | 'empty_file'
  | 'not_utf8'
  | 'file_type_mismatch'
  | 'unterminated_quote'
  | 'no_header_row'
  | 'no_data_rows'
  | 'no_mappable_column'
  | 'blank_header'
  | 'duplicate_header'
  | 'too_many_columns'
  | 'too_many_rows'
  | 'xlsx_unreadable'
  | 'xlsx_too_large';

/** A 422 about the file itself. */
export function fileProblem(code: FileProblemCode, message: string, path = 'file'): AppError {
  return new AppError('VALIDATION_FAILED', { detail: message, errors: [{ path, message, code }] });
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** Header names compared without case, accents or punctuation: `E-mail` = `email ` = `EMAIL`. */
export function normaliseLabel(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export async function parseImportFile(bytes: Uint8Array, fileType: FileType): Promise<ParsedFile> {
  if (bytes.byteLength === 0) throw fileProblem('empty_file', 'The file is empty');
  return fileType === 'csv' ? parseCsvFile(bytes) : parseXlsxFile(bytes);
}

// ---------------------------------------------------------------- CSV

/** Strict UTF-8: a file in another encoding is refused, never guessed. */
export function decodeUtf8(bytes: Uint8Array): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  let text: string | null = null;
  if (!utf16) {
    try {
      // ignoreBOM false (the default): a UTF-8 BOM is consumed, not returned.
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = null;
    }
  }
  // NUL characters mean UTF-16 without a BOM, or a binary file.
  if (text === null || text.includes('\u0000')) {
    throw fileProblem(
      'not_utf8',
      'The file is not UTF-8 — save it as "CSV UTF-8" (Excel: File › Save as › CSV UTF-8) and upload it again',
    );
  }
  return text;
}

function parseCsvFile(bytes: Uint8Array): ParsedFile {
  if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, OLE_MAGIC)) {
    throw fileProblem(
      'file_type_mismatch',
      `This is an Excel workbook, not a CSV file: send .xlsx files with Content-Type ${'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'} (legacy .xls: save as .xlsx or CSV UTF-8 first)`,
    );
  }
  const text = decodeUtf8(bytes);
  if (text.replace(/[\s,;]/g, '') === '') throw fileProblem('empty_file', 'The file has no values');
  const delimiter = detectDelimiter(text);
  const builder = new TableBuilder();
  readCsv(text, delimiter, (cells, row) => builder.add(cells, row));
  return { fileType: 'csv', delimiter, ...builder.finish() };
}

/**
 * RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line
 * breaks; records end with CRLF, LF or CR. Lenient where Excel is: a quote
 * inside an unquoted field is kept as is. `stopAfter` bounds the records read.
 */
export function readCsv(
  text: string,
  delimiter: string,
  onRecord: (cells: string[], recordNumber: number) => void,
  stopAfter = Number.POSITIVE_INFINITY,
): void {
  const length = text.length;
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let atFieldStart = true;
  let recordNumber = 1;
  let line = 1;
  let quoteLine = 1;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    onRecord(record, recordNumber);
    recordNumber++;
    record = [];
    field = '';
    atFieldStart = true;
  };
  while (i < length) {
    if (recordNumber > stopAfter) return;
    const char = text[i] as string;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else {
          quoted = false;
          i++;
        }
        continue;
      }
      const next = text.indexOf('"', i);
      if (next === -1) {
        throw fileProblem(
          'unterminated_quote',
          `A quoted value opened on line ${quoteLine} is never closed: check the quotes (") of that row`,
        );
      }
      const chunk = text.slice(i, next);
      for (const ch of chunk) if (ch === '\n') line++;
      field += chunk;
      i = next;
      continue;
    }
    if (char === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
      quoteLine = line;
      i++;
      continue;
    }
    if (char === delimiter) {
      record.push(field);
      field = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord();
      line++;
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += char;
    atFieldStart = false;
    i++;
  }
  if (quoted) {
    throw fileProblem(
      'unterminated_quote',
      `A quoted value opened on line ${quoteLine} is never closed: check the quotes (") of that row`,
    );
  }
  // A final line break does not start an empty record.
  if (field !== '' || record.length > 0) endRecord();
}

const DELIMITERS: Delimiter[] = [',', ';', '\t'];

/**
 * The delimiter that splits the header into the most columns and keeps the
 * next rows consistent with it; `,` when the file has a single column.
 */
export function detectDelimiter(text: string): Delimiter {
  let best: { delimiter: Delimiter; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of DELIMITERS) {
    const widths: number[] = [];
    try {
      readCsv(
        text,
        delimiter,
        (cells) => {
          if (cells.some((cell) => cell.trim() !== '')) widths.push(cells.length);
        },
        20,
      );
    } catch {
      // An unterminated quote within the sample: judge on what was read.
    }
    const header = widths[0] ?? 1;
    if (header < 2) continue;
    const consistent = widths.slice(1).filter((width) => width === header).length;
    const score = consistent * 1_000 + header;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

// ---------------------------------------------------------------- header and rows

/** Turns raw records into a header and data rows, enforcing the file-shape rules. */
class TableBuilder {
  private headerCells: string[] | null = null;
  private headerRow = 0;
  private readonly rows: ParsedRow[] = [];

  add(cells: string[], row: number) {
    const blank = cells.every((cell) => cell.trim() === '');
    if (blank) return;
    if (!this.headerCells) {
      this.headerCells = cells.map((cell) => cell.trim());
      this.headerRow = row;
      return;
    }
    if (this.rows.length >= MAX_ROWS) {
      throw fileProblem(
        'too_many_rows',
        `The file has more than ${MAX_ROWS} data rows; split it into several files`,
      );
    }
    this.rows.push({ row, cells });
  }

  finish(): Pick<ParsedFile, 'headerRow' | 'headers' | 'rows'> {
    const header = this.headerCells;
    if (!header) throw fileProblem('empty_file', 'The file has no values (only blank rows)');
    if (this.rows.length === 0) {
      throw fileProblem('no_data_rows', 'The file has a header row but no data rows under it');
    }
    // Columns without a header are dropped when they hold no value at all (spreadsheets
    // often export trailing empty columns); one with values needs a name.
    const width = Math.max(header.length, ...this.rows.map((row) => row.cells.length));
    const kept: number[] = [];
    for (let column = 0; column < width; column++) {
      const name = header[column] ?? '';
      const used = this.rows.some((row) => (row.cells[column] ?? '').trim() !== '');
      if (name !== '') kept.push(column);
      else if (used && column < header.length) {
        throw fileProblem(
          'blank_header',
          `Column ${columnLabel(column)} has values but no header: name it in row ${this.headerRow}`,
          `headers.${column}`,
        );
      }
    }
    if (kept.length === 0) throw fileProblem('no_header_row', 'The first row has no column names');
    if (kept.length > MAX_COLUMNS) {
      throw fileProblem('too_many_columns', `The file has more than ${MAX_COLUMNS} columns`);
    }
    const seen = new Map<string, number>();
    for (const column of kept) {
      const name = header[column] as string;
      const key = normaliseLabel(name) || name;
      const first = seen.get(key);
      if (first !== undefined) {
        throw fileProblem(
          'duplicate_header',
          `Columns ${columnLabel(first)} and ${columnLabel(column)} have the same header "${name}": rename one`,
          `headers.${column}`,
        );
      }
      seen.set(key, column);
    }
    const lastHeader = header.length;
    return {
      headerRow: this.headerRow,
      headers: kept.map((column) => header[column] as string),
      rows: this.rows.map(({ row, cells }) => {
        const extra = cells.slice(lastHeader).filter((cell) => cell.trim() !== '').length;
        const values = kept.map((column) => cells[column] ?? '');
        return extra > 0 ? { row, cells: values, extraValues: extra } : { row, cells: values };
      }),
    };
  }
}

/** 0 → A, 26 → AA: how spreadsheets name columns. */
export function columnLabel(index: number): string {
  let label = '';
  let n = index + 1;
  while (n > 0) {
    const rest = (n - 1) % 26;
    label = String.fromCharCode(65 + rest) + label;
    n = Math.floor((n - 1) / 26);
  }
  return label;
}

// ---------------------------------------------------------------- XLSX

function unreadable(): AppError {
  return fileProblem(
    'xlsx_unreadable',
    'The Excel file cannot be read (damaged, password-protected, or not an .xlsx workbook): open it in Excel and save it again as .xlsx, or as CSV UTF-8',
  );
}

/**
 * Sums the uncompressed sizes in the zip's central directory, so a small file
 * that inflates to gigabytes is refused before it is inflated.
 */
export function expandedZipSize(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const minEnd = Math.max(0, bytes.byteLength - 22 - 0xffff);
  let end = -1;
  for (let i = bytes.byteLength - 22; i >= minEnd; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw unreadable();
  const entries = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  let total = 0;
  for (let entry = 0; entry < entries; entry++) {
    if (offset + 46 > bytes.byteLength || view.getUint32(offset, true) !== 0x02014b50) throw unreadable();
    const size = view.getUint32(offset + 24, true);
    // 0xFFFFFFFF: a zip64 entry of 4 GB or more.
    total += size === 0xffffffff ? Number.POSITIVE_INFINITY : size;
    offset +=
      46 +
      view.getUint16(offset + 28, true) +
      view.getUint16(offset + 30, true) +
      view.getUint16(offset + 32, true);
  }
  return total;
}

/** A cell as text: dates as ISO (date only at midnight UTC), numbers as Excel shows them (15 digits). */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) {
      return value.richText.map((part) => part.text).join('');
    }
    if ('hyperlink' in value) {
      const text = cellText(value.text as ExcelJS.CellValue);
      return text !== '' ? text : String(value.hyperlink ?? '').replace(/^mailto:/i, '');
    }
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('formula' in value || 'sharedFormula' in value) return '';
    if ('error' in value) return '';
  }
  return String(value);
}

async function parseXlsxFile(bytes: Uint8Array): Promise<ParsedFile> {
  if (startsWith(bytes, OLE_MAGIC) || !startsWith(bytes, ZIP_MAGIC)) throw unreadable();
  if (expandedZipSize(bytes) > MAX_XLSX_EXPANDED_BYTES) {
    throw fileProblem(
      'xlsx_too_large',
      `The workbook expands to more than ${MAX_XLSX_EXPANDED_BYTES / 1024 / 1024} MB; keep only the sheet to import, or save it as CSV UTF-8`,
    );
  }
  const workbook = new ExcelJS.Workbook();
  try {
    const copy = bytes.slice().buffer as ArrayBuffer;
    await workbook.xlsx.load(copy as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    throw unreadable();
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw fileProblem('empty_file', 'The workbook has no worksheet');
  const builder = new TableBuilder();
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[];
    // row.values is 1-based: index 0 is always empty.
    const cells: string[] = [];
    for (let column = 1; column < values.length; column++) cells.push(cellText(values[column]));
    builder.add(cells, rowNumber);
  });
  return { fileType: 'xlsx', delimiter: null, ...builder.finish() };
}

// ---------------------------------------------------------------- writing

/** RFC 4180 output with CRLF line ends; fields are quoted only when they need it. */
export function toCsv(records: readonly (readonly string[])[], delimiter: Delimiter): string {
  const needsQuotes = new RegExp(`["\\r\\n${delimiter === '\t' ? '\\t' : delimiter}]|^\\s|\\s$`);
  return records
    .map((record) =>
      record
        .map((value) => (needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value))
        .join(delimiter),
    )
    .join('\r\n')
    .concat('\r\n');
}

/** Cells that are values rather than column names: an email, a number, a date, a web address. */
export function looksLikeData(cell: string): boolean {
  return /@|^[\d\s.,:/+-]+$|^https?:\/\/|^www\./i.test(cell.trim());
}
