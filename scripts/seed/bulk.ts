// Multi-row INSERTs through the Neon driver: one statement per batch of rows,
// sized so a statement never exceeds Postgres's 65 535 bind parameters.
import type { TableRows } from './demo';

/** What the seed needs from a connection: the Neon driver's Client/PoolClient fit. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

export const MAX_BIND_PARAMETERS = 65_535;

/** Quotes an identifier we control (table and column names of our own schema). */
function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier ${name}`);
  return `"${name}"`;
}

/**
 * Inserts `rows` in batches of at most `batchRows` rows (default 1000), fewer
 * when the column count would push a batch past the parameter limit. Values go
 * as bind parameters: strings, numbers, booleans, null, Dates, string arrays
 * (text[]), and plain objects (jsonb, serialised here).
 */
export async function insertRows(db: Queryable, data: TableRows, batchRows = 1000): Promise<number> {
  const width = data.columns.length;
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(MAX_BIND_PARAMETERS / width)));
  const head = `insert into ${ident(data.table)} (${data.columns.map(ident).join(', ')}) values `;
  let inserted = 0;
  for (let offset = 0; offset < data.rows.length; offset += perBatch) {
    const batch = data.rows.slice(offset, offset + perBatch);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of batch) {
      if (row.length !== width)
        throw new Error(`${data.table}: a row has ${row.length} values for ${width} columns`);
      const marks: string[] = [];
      for (const value of row) {
        values.push(
          value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
            ? JSON.stringify(value)
            : value,
        );
        marks.push(`$${values.length}`);
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    const result = await db.query(head + tuples.join(', '), values);
    inserted += result.rowCount ?? batch.length;
  }
  return inserted;
}
