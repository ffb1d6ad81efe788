/**
 * Import limits and wire constants (see docs/decisions/011-imports.md). They
 * are stated in the OpenAPI descriptions and enforced before anything is stored.
 */

export const CSV_MEDIA_TYPE = 'text/csv';
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const IMPORT_MEDIA_TYPES = [CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE] as const;

/** Upload size: 5 MB (MiB). Larger bodies are refused with 413 before they are read. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Data rows per file (blank rows not counted); more is a 422. */
export const MAX_ROWS = 5_000;
export const MAX_COLUMNS = 100;
/** An XLSX is a zip: refuse one whose parts expand beyond this (a zip bomb would exhaust the isolate). */
export const MAX_XLSX_EXPANDED_BYTES = 80 * 1024 * 1024;
/** Rejected rows kept on the job row for the UI; the error report always has them all. */
export const MAX_STORED_ERRORS = 1_000;
/** Progress is written (outside the import transaction) every this many rows. */
export const PROGRESS_EVERY = 100;

export const IMPORT_UPLOAD_PATH = '/api/v1/imports';

export const LIMITS_DESCRIPTION =
  `Limits: files up to 5 MB (${MAX_FILE_BYTES} bytes; larger → 413), at most ${MAX_ROWS} data rows ` +
  `and ${MAX_COLUMNS} columns (more → 422). CSV must be UTF-8 (with or without BOM), delimited by , ; or tab.`;
