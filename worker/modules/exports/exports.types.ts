/** What the file writers (CSV, Excel, PDF) need from an export: no database, no HTTP. */
export type ColumnKind = 'text' | 'date' | 'datetime' | 'amount' | 'integer';
export type Cell = string | number | null;
export type Lang = 'fr' | 'en';

export interface Column {
  header: Record<Lang, string>;
  kind: ColumnKind;
  /** Spreadsheet width in characters; the PDF scales these to the page. */
  width: number;
}

/** One aggregate shown as a chart: label → count, in display order. */
export interface Tally {
  title: Record<Lang, string>;
  kind: 'bar' | 'pie';
  counts: Map<string, number>;
}

export interface ExportSource {
  entity: 'organisations' | 'people' | 'mandates';
  title: Record<Lang, string>;
  columns: Column[];
  /** Pages of rows, one cell per column: text as is, dates `YYYY-MM-DD`, timestamps ISO, amounts decimal strings. */
  pages(pageSize?: number): AsyncGenerator<Cell[][]>;
  /** Filled while `pages()` runs: the charts of the export summary. */
  tallies: Tally[];
}
