import type { z } from 'zod';
import { isMessageKey, type Translate } from './i18n';

/** Messages by field name (`email`, `scopes`), already translated. */
export type FieldErrors = Partial<Record<string, string>>;

/** What an action answers when a submission fails; pages render it inline. */
export interface FormFailure {
  ok: false;
  /** A message for the whole form (shown above the fields), or null. */
  formError: string | null;
  fieldErrors: FieldErrors;
  /** Which form failed, when a page has several (`intent`). */
  intent?: string;
  /** The record a per-row form was about. */
  id?: string;
}

/** Translates a schema message: a dictionary key, else shown as is. */
export function translateMessage(t: Translate, message: string): string {
  return isMessageKey(message) ? t(message) : message;
}

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

/** One message per field (the first issue wins); root issues go to `formError`. */
export function issuesToErrors(
  issues: readonly IssueLike[],
  t: Translate,
): { fieldErrors: FieldErrors; formError: string | null } {
  const fieldErrors: FieldErrors = {};
  let formError: string | null = null;
  for (const issue of issues) {
    const field = issue.path.map(String)[0];
    const message = translateMessage(t, issue.message);
    if (field === undefined) formError ??= message;
    else fieldErrors[field] ??= message;
  }
  return { fieldErrors, formError };
}

/**
 * FormData as a plain object for zod: single values as strings, the named
 * `arrays` fields as string arrays (checkbox groups, multi-selects).
 */
export function formDataToObject(form: FormData, arrays: readonly string[] = []): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name).filter((value): value is string => typeof value === 'string');
    object[name] = arrays.includes(name) ? values : values[0];
  }
  for (const name of arrays) object[name] ??= [];
  return object;
}

export type ParsedForm<T> = { success: true; data: T } | { success: false; failure: FormFailure };

/** Validates a submission with a zod schema; failures come back translated, ready to render. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData,
  t: Translate,
  options: { arrays?: readonly string[]; intent?: string; id?: string } = {},
): ParsedForm<z.output<S>> {
  const parsed = schema.safeParse(formDataToObject(form, options.arrays));
  if (parsed.success) return { success: true, data: parsed.data };
  const { fieldErrors, formError } = issuesToErrors(parsed.error.issues, t);
  return {
    success: false,
    failure: {
      ok: false,
      formError: formError ?? t('errors.form'),
      fieldErrors,
      ...(options.intent ? { intent: options.intent } : {}),
      ...(options.id ? { id: options.id } : {}),
    },
  };
}

/** The failure for a given form of the page, if the last submission was that form's. */
export function failureFor(
  data: unknown,
  intent: string | undefined,
  id?: string,
): { formError: string | null; fieldErrors: FieldErrors } | undefined {
  if (!data || typeof data !== 'object' || !('ok' in data) || data.ok !== false) return undefined;
  const failure = data as FormFailure;
  if (intent !== undefined && failure.intent !== undefined && failure.intent !== intent) return undefined;
  if (id !== undefined && failure.id !== id) return undefined;
  return failure;
}
