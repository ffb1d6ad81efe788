import { Link, useLocation } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { ValidatedForm } from '~/components/form';
import { useT } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';

/** What an action answers for a record form; `conflict` marks a stale edit (412). */
export interface RecordFormFailure {
  formError: string | null;
  fieldErrors: Partial<Record<string, string>>;
  conflict?: boolean;
}

/**
 * The frame every record form shares (organisation, person, mandate,
 * interaction): validated with the page's zod schema in the browser and again
 * by the action; editing sends the version it was drawn from (If-Match), and
 * a 412 is explained with a link to reload, leaving what was typed in place.
 */
export function RecordForm({
  schema,
  arrays,
  failure,
  version,
  submitLabel,
  cancelTo,
  children,
}: {
  schema: z.ZodType;
  arrays?: readonly string[];
  failure?: RecordFormFailure;
  version?: number;
  submitLabel: string;
  cancelTo: string;
  children: ReactNode;
}) {
  const t = useT();
  const ct = useCrmT();
  const saving = useSubmitting();
  const { pathname, search } = useLocation();
  return (
    <ValidatedForm
      method="post"
      schema={schema}
      arrays={arrays}
      failure={failure && !failure.conflict ? failure : undefined}
      className="stack record-form"
    >
      {failure?.conflict ? (
        <div className="alert alert--error" role="alert" tabIndex={-1} data-form-alert>
          {failure.formError} <Link to={`${pathname}${search}`}>{ct('crm.reload')}</Link>
        </div>
      ) : null}
      {version ? <input type="hidden" name="version" value={version} /> : null}
      {children}
      <div className="form-actions">
        <SubmitButton pending={saving} pendingLabel={t('common.saving')}>
          {submitLabel}
        </SubmitButton>
        <Link to={cancelTo} className="button button--ghost">
          {t('common.cancel')}
        </Link>
      </div>
    </ValidatedForm>
  );
}
