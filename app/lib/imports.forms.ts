import { z } from 'zod';
import type { ImportTranslate } from './i18n-imports';

/** A field a column can be mapped to, as the mapping form needs it. */
export interface MappableField {
  key: string;
  label: string;
  required: boolean;
}

/** The select of the column at `index` (headers can hold any character; indexes cannot clash). */
export function columnFieldName(index: number): string {
  return `column${index}`;
}

/**
 * The mapping editor: one select per file column, blank = ignored. As the API
 * (`PUT /imports/{id}/mapping`) requires, a field takes one column at most and
 * every required field takes one. Output: `{ header: field | null }`.
 */
export function mappingForm(
  it: ImportTranslate,
  headers: readonly string[],
  fields: readonly MappableField[],
) {
  const keys = fields.map((field) => field.key);
  const choice = z.preprocess(
    (value) => (typeof value === 'string' && value !== '' ? value : null),
    z
      .string()
      .refine((value) => keys.includes(value), it('import.ignore'))
      .nullable(),
  );
  const shape = Object.fromEntries(headers.map((_, index) => [columnFieldName(index), choice]));
  return z
    .object(shape)
    .superRefine((values, ctx) => {
      const seen = new Map<string, number>();
      headers.forEach((_, index) => {
        const field = values[columnFieldName(index)];
        if (typeof field !== 'string') return;
        if (seen.has(field)) {
          ctx.addIssue({
            code: 'custom',
            path: [columnFieldName(index)],
            message: it('import.duplicateField'),
          });
        } else seen.set(field, index);
      });
      const missing = fields.filter((field) => field.required && !seen.has(field.key));
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: it('import.missing', { fields: missing.map((field) => field.label).join(', ') }),
        });
      }
    })
    .transform((values) =>
      Object.fromEntries(
        headers.map((header, index) => [header, (values[columnFieldName(index)] as string | null) ?? null]),
      ),
    );
}
