import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { SubmitButton } from '~/components/buttons';
import { FormAlert, Notice } from '~/components/form';
import { formatDate, useLocale } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';

/** A deleted record as a bin lists it. */
export interface BinRow {
  id: string;
  name: string;
  detail: string | null;
  deletedAt: string | null;
}

/**
 * A list page's bin: deleted records, newest deletion first, each with a
 * Restore button (a plain form: works without JavaScript). The page's action
 * handles `intent=restore` with `restoreFromBin`.
 */
export function BinTable({
  rows,
  caption,
  nameLabel,
  detailLabel,
}: {
  rows: BinRow[];
  caption: string;
  nameLabel: string;
  detailLabel: string;
}) {
  const ct = useCrmT();
  const locale = useLocale();
  const navigation = useNavigation();
  return (
    <div className="table-wrap">
      <table className="table table--stack table--cards">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{nameLabel}</th>
            <th scope="col">{detailLabel}</th>
            <th scope="col">{ct('bin.col.deleted')}</th>
            <th scope="col">
              <span className="visually-hidden">{ct('crm.restore')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">{row.name}</th>
              <td data-label={detailLabel}>{row.detail ?? ct('crm.empty')}</td>
              <td data-label={ct('bin.col.deleted')} className="nowrap">
                {row.deletedAt ? formatDate(locale, row.deletedAt, true) : ''}
              </td>
              <td className="table__actions">
                <Form method="post" preventScrollReset>
                  <input type="hidden" name="id" value={row.id} />
                  <SubmitButton
                    name="intent"
                    value="restore"
                    variant="secondary"
                    className="button--small"
                    pending={navigation.formData?.get('id') === row.id}
                    aria-label={ct('bin.restoreLabel', { name: row.name })}
                  >
                    {ct('crm.restore')}
                  </SubmitButton>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What the restore action answered: "restored, open it" or the reason it was refused. */
export function RestoreOutcome({ recordPath }: { recordPath: (id: string) => string }) {
  const result = useActionData<{ ok: boolean; id?: string; message?: string; formError?: string | null }>();
  if (!result) return null;
  if (!result.ok) return result.formError ? <FormAlert message={result.formError} /> : null;
  return (
    <Notice>
      {result.message} {result.id ? <Link to={recordPath(result.id)}>→</Link> : null}
    </Notice>
  );
}

/** The "Corbeille" link of a list page and the way back. */
export function BinLink({ to }: { to: string }) {
  const ct = useCrmT();
  return (
    <Link to={to} className="button button--ghost">
      {ct('crm.bin')}
    </Link>
  );
}
