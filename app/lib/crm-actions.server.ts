import { data } from '@remix-run/cloudflare';
import type { z } from 'zod';
import { AppError } from '../../worker/lib/errors';
import { actionFailure } from './errors.server';
import { type FormFailure, issuesToErrors, type ParsedForm, parseForm } from './forms';
import type { Translate } from './i18n';
import type { CrmTranslate } from './i18n-crm';

/** An action's failure; `conflict` marks a stale form (412), shown with a reload link. */
export type CrmFailure = FormFailure & { conflict?: boolean };

interface Options {
  t: Translate;
  ct: CrmTranslate;
  intent?: string;
  id?: string;
  /** The record's name, for the conflict message. */
  name?: string;
  /** Replaces the generic conflict message. */
  conflictMessage?: string;
  messages?: Parameters<typeof actionFailure>[2]['messages'];
}

/**
 * For an action's catch block: a 412 (the record changed since the form was
 * read) becomes a conflict the page explains; everything else goes through
 * the shared `actionFailure` (403/404/409/422/429 as form data, 401 to sign-in).
 */
export function crmFailure(error: unknown, request: Request, options: Options) {
  if (error instanceof AppError && error.code === 'PRECONDITION_FAILED') {
    const failure: CrmFailure = {
      ok: false,
      formError: options.conflictMessage ?? options.ct('crm.conflict', { name: options.name ?? '' }),
      fieldErrors: {},
      conflict: true,
      ...(options.intent ? { intent: options.intent } : {}),
      ...(options.id ? { id: options.id } : {}),
    };
    return data(failure, { status: 412 });
  }
  return actionFailure(error, request, options) as ReturnType<typeof data<CrmFailure>>;
}

/**
 * Validates a submission in two steps: the page's form schema (the messages
 * users see), then the API's own schema on the result, so the service gets
 * exactly what the API would give it.
 */
export function parseSubmission<F extends z.ZodType, S extends z.ZodType>(
  formSchema: F,
  apiSchema: S,
  form: FormData,
  t: Translate,
  options: { arrays?: readonly string[]; intent?: string; id?: string; extra?: Record<string, unknown> } = {},
): ParsedForm<z.output<S>> {
  const parsed = parseForm(formSchema, form, t, options);
  if (!parsed.success) return parsed;
  const input = { ...(parsed.data as object), ...options.extra };
  const checked = apiSchema.safeParse(input);
  if (checked.success) return { success: true, data: checked.data };
  const { fieldErrors, formError } = issuesToErrors(checked.error.issues, t);
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
