import { z } from '@hono/zod-openapi';
import { AppError } from './errors';

/** Keyset pagination: the cursor carries the last row's sort key, opaque to clients. */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return btoa(JSON.stringify(values)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string, length: number): (string | number | null)[] {
  try {
    const json = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    const values = JSON.parse(json) as unknown;
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every((value) => value === null || typeof value === 'string' || typeof value === 'number')
    ) {
      return values as (string | number | null)[];
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError('VALIDATION_FAILED', {
    detail: 'Invalid cursor',
    errors: [
      {
        path: 'cursor',
        message: 'Invalid cursor; use nextCursor from a previous page',
        code: 'invalid_cursor',
      },
    ],
  });
}

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ example: 50 }),
  cursor: z.string().max(500).optional().openapi({ description: 'nextCursor from the previous page' }),
};

export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number | null)[]) {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data[data.length - 1];
  return { data, nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}
