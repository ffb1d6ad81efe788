import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData, useLocation, useSearchParams } from '@remix-run/react';
import { type ReactNode, useMemo } from 'react';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import {
  Figures,
  ImportProgress,
  ImportStatusPill,
  ROW_ACTIONS,
  RowActionPill,
  usePolling,
} from '~/components/crm/imports';
import { EmptyState, ListRegion, Pagination } from '~/components/crm/list';
import { Section } from '~/components/crm/record';
import { FormAlert, Notice, useFieldError, ValidatedForm } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { AppError } from '~/lib/crm.server';
import { enumParam, isUuid, listHref, param } from '~/lib/crm-list';
import { actionFailure, invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { parseForm } from '~/lib/forms';
import { formatDate, translator, useLocale, useT } from '~/lib/i18n';
import { importTranslator, useImportT } from '~/lib/i18n-imports';
import { columnFieldName, mappingForm } from '~/lib/imports.forms';
import {
  columnSamples,
  commitImport,
  getImport,
  importBindings,
  mappableFields,
  previewImport,
  updateMapping,
} from '~/lib/imports.server';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction<typeof loader> = ({ data: loaded, matches }) => {
  const locale = localeFromMatches(matches);
  const title = loaded?.job.fileName ?? importTranslator(locale)('imports.title');
  return [{ title: `${title} · ${translator(locale)('app.name')}` }];
};

const PREVIEW_SIZE = 50;
const SHOWN_ERRORS = 50;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const it = importTranslator(localeOf(context));
  const { bucket } = importBindings(context);
  const search = new URL(request.url).searchParams;
  const job = await loaderGuard(request, () => getImport(deps, id));
  const reviewing = job.status === 'uploaded';
  const action = enumParam(search, 'action', ROW_ACTIONS);
  const [preview, samples] = reviewing
    ? await loaderGuard(request, async () => {
        try {
          return await Promise.all([
            previewImport(deps, bucket, id, {
              limit: PREVIEW_SIZE,
              cursor: param(search, 'cursor', 200),
              action,
            }),
            columnSamples(bucket, job),
          ]);
        } catch (error) {
          // An edited or stale cursor: back to the first page of the preview.
          if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && search.has('cursor')) {
            throw redirect(listHref(`/imports/${id}`, search.toString(), {}));
          }
          throw error;
        }
      })
    : [null, null];
  const fields = mappableFields(job.entity, it);
  return {
    job: {
      id: job.id,
      entity: job.entity,
      status: job.status,
      fileName: job.fileName,
      headers: job.headers,
      mapping: job.mapping,
      missingFields: job.missingFields,
      rowCount: job.rowCount,
      processed: job.processed,
      created: job.created,
      updated: job.updated,
      unchanged: job.unchanged,
      rejected: job.rejected,
      errors: job.errors.slice(0, SHOWN_ERRORS),
      error: job.error,
      attempts: job.attempts,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    },
    fields,
    preview,
    samples,
    filter: action ?? null,
    canWrite: job.ownerId === deps.actor.userId,
  };
}

/** `mapping`: save the columns' fields and recompute the dry run; `commit`: queue the import. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const t = translatorFor(context);
  const it = importTranslator(localeOf(context));
  const { bucket, queue } = importBindings(context);
  const form = await request.formData();
  const intent = form.get('intent') === 'commit' ? 'commit' : 'mapping';
  try {
    if (intent === 'commit') {
      await commitImport(deps, queue, id);
      return redirect(`/imports/${id}`);
    }
    const job = await getImport(deps, id);
    const parsed = parseForm(mappingForm(it, job.headers, mappableFields(job.entity, it)), form, t, {
      intent,
    });
    if (!parsed.success) return invalidForm(parsed.failure);
    await updateMapping(deps, bucket, id, parsed.data);
    return { ok: true as const, intent, message: it('import.mappingSaved') };
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFLICT') {
      return data(
        { ok: false as const, intent, formError: it('import.conflict'), fieldErrors: {} },
        { status: 409 },
      );
    }
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
      // The service's mapping rules (required fields, one column per field), in its words.
      const formError = [error.detail, ...(error.errors ?? []).map((item) => item.message)].join(' — ');
      return data({ ok: false as const, intent, formError, fieldErrors: {} }, { status: 422 });
    }
    return actionFailure(error, request, { t, intent });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function MappingEditor() {
  const { job, fields, samples, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const it = useImportT();
  const schema = useMemo(() => mappingForm(it, job.headers, fields), [it, job.headers, fields]);
  const saving = useSubmitting('mapping');
  const failure = result && !result.ok && result.intent === 'mapping' ? result : undefined;
  const missing = fields.filter((field) => job.missingFields.includes(field.key)).map((field) => field.label);
  return (
    <Section id="import-mapping" title={it('import.mapping')}>
      <p className="panel__lead">{it('import.mappingLead')}</p>
      {result?.ok ? <Notice>{result.message}</Notice> : null}
      {missing.length > 0 && !failure ? (
        <div className="alert alert--warning" role="status">
          {it('import.missing', { fields: missing.join(', ') })}
        </div>
      ) : null}
      <ValidatedForm method="post" schema={schema} failure={failure} className="stack" preventScrollReset>
        <input type="hidden" name="intent" value="mapping" />
        <div className="table-wrap">
          <table className="table table--stack import-mapping">
            <thead>
              <tr>
                <th scope="col">{it('import.col.column')}</th>
                <th scope="col">{it('import.col.sample')}</th>
                <th scope="col">{it('import.col.field')}</th>
              </tr>
            </thead>
            <tbody>
              {job.headers.map((header, index) => (
                <MappingRow
                  key={header}
                  header={header}
                  index={index}
                  samples={samples?.[index] ?? []}
                  fields={fields}
                  selected={job.mapping[header] ?? ''}
                  disabled={!canWrite}
                />
              ))}
            </tbody>
          </table>
        </div>
        {canWrite ? (
          <div className="form-actions">
            <SubmitButton variant="secondary" pending={saving} pendingLabel={t('common.saving')}>
              {it('import.saveMapping')}
            </SubmitButton>
          </div>
        ) : null}
      </ValidatedForm>
    </Section>
  );
}

function MappingRow({
  header,
  index,
  samples,
  fields,
  selected,
  disabled,
}: {
  header: string;
  index: number;
  samples: string[];
  fields: LoaderData['fields'];
  selected: string;
  disabled: boolean;
}) {
  const it = useImportT();
  const name = columnFieldName(index);
  return (
    <tr>
      <th scope="row">{header}</th>
      <td data-label={it('import.col.sample')} className="import-mapping__sample">
        {samples.length > 0 ? samples.join(' · ') : <span className="muted">—</span>}
      </td>
      <td data-label={it('import.col.field')}>
        <MappingSelect
          name={name}
          label={it('import.mapColumn', { header })}
          fields={fields}
          selected={selected}
          disabled={disabled}
        />
      </td>
    </tr>
  );
}

function MappingSelect({
  name,
  label,
  fields,
  selected,
  disabled,
}: {
  name: string;
  label: string;
  fields: LoaderData['fields'];
  selected: string;
  disabled: boolean;
}) {
  const it = useImportT();
  return (
    <FieldInCell name={name}>
      {(error, errorId) => (
        <select
          name={name}
          className="input"
          aria-label={label}
          defaultValue={selected}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        >
          <option value="">{it('import.ignore')}</option>
          {fields.map((field) => (
            <option key={field.key} value={field.key}>
              {field.required ? `${field.label} (${it('import.required')})` : field.label}
            </option>
          ))}
        </select>
      )}
    </FieldInCell>
  );
}

/** A control inside a table cell: its error under it (the column header is its label). */
function FieldInCell({
  name,
  children,
}: {
  name: string;
  children: (error: string | undefined, errorId: string) => ReactNode;
}) {
  const error = useFieldError(name);
  const errorId = `${name}-error`;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      {children(error, errorId)}
      {error ? (
        <p id={errorId} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function PreviewFilter() {
  const { preview, filter } = useLoaderData<typeof loader>();
  const it = useImportT();
  const { pathname, search } = useLocation();
  if (!preview) return null;
  const options: { key: string | null; label: string; count: number }[] = [
    { key: null, label: it('import.filter.all'), count: preview.totals.rows },
    ...ROW_ACTIONS.map((action) => ({
      key: action,
      label: it(`import.action.${action}`),
      count: preview.totals[action],
    })),
  ];
  return (
    <nav className="segmented" aria-label={it('import.filter')}>
      {options.map((option) => (
        <Link
          key={option.key ?? 'all'}
          to={listHref(pathname, search, { action: option.key })}
          className="segmented__item"
          aria-current={option.key === filter ? 'page' : undefined}
          preventScrollReset
        >
          {option.label} ({option.count})
        </Link>
      ))}
    </nav>
  );
}

function PreviewTable() {
  const { preview, fields, job } = useLoaderData<typeof loader>();
  const it = useImportT();
  if (!preview) return null;
  const labelOf = (key: string) => fields.find((field) => field.key === key)?.label ?? key;
  return (
    <ListRegion pathname={`/imports/${job.id}`}>
      {preview.data.length === 0 ? (
        <EmptyState message={it('import.previewEmpty')} />
      ) : (
        <div className="table-wrap">
          <table className="table table--stack import-preview">
            <caption className="visually-hidden">
              {it('import.previewCaption', { count: preview.data.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col" className="numeric-head">
                  {it('import.col.row')}
                </th>
                <th scope="col">{it('import.col.action')}</th>
                <th scope="col">{it('import.col.values')}</th>
                <th scope="col">{it('import.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.data.map((row) => (
                <tr key={row.row} data-action={row.action}>
                  <th scope="row" className="numeric">
                    {row.row}
                  </th>
                  <td data-label={it('import.col.action')}>
                    <RowActionPill action={row.action} />
                  </td>
                  <td data-label={it('import.col.values')} className="import-preview__values">
                    {Object.entries(row.values)
                      .filter(([, value]) => value !== '')
                      .slice(0, 5)
                      .map(([key, value]) => (
                        <span key={key} className="import-preview__value">
                          <span className="muted">{labelOf(key)} :</span> {value}
                        </span>
                      ))}
                  </td>
                  <td data-label={it('import.col.details')}>
                    {row.reasons.length > 0 ? (
                      <ul className="import-reasons">
                        {row.reasons.map((reason) => (
                          <li key={reason}>{reason}</li>
                        ))}
                      </ul>
                    ) : null}
                    {row.matchedBy ? (
                      <p className="muted">
                        {it('import.matchedBy', { key: it(`import.matchedBy.${row.matchedBy}`) })}
                      </p>
                    ) : null}
                    {row.changes.length > 0 ? (
                      <p>{it('import.changes', { fields: row.changes.map(labelOf).join(', ') })}</p>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination nextCursor={preview.nextCursor} />
    </ListRegion>
  );
}

function Review() {
  const { job, preview, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const it = useImportT();
  const committing = useSubmitting('commit');
  if (!preview) return null;
  const { totals } = preview;
  const toImport = totals.create + totals.update;
  const blocked = job.missingFields.length > 0;
  const commitFailure = result && !result.ok && result.intent === 'commit' ? result : undefined;
  return (
    <>
      <Section id="import-preview" title={it('import.preview')}>
        <p className="panel__lead">{it('import.previewLead')}</p>
        <Figures
          label={it('import.totals')}
          items={[
            { label: it('import.total.rows'), value: totals.rows },
            { label: it('import.total.create'), value: totals.create, tone: 'success' },
            { label: it('import.total.update'), value: totals.update, tone: 'info' },
            { label: it('import.total.unchanged'), value: totals.unchanged },
            { label: it('import.total.reject'), value: totals.reject, tone: 'danger' },
          ]}
        />
        <PreviewFilter />
        <PreviewTable />
        {totals.reject > 0 ? (
          <p>
            <a href={`/imports/${job.id}/erreurs.csv`} download className="button button--ghost">
              ↓ {it('import.downloadErrors')}
            </a>
          </p>
        ) : null}
      </Section>
      {canWrite ? (
        <Section id="import-commit" title={it('import.commitTitle')}>
          <p className="panel__lead">{it('import.commitHint')}</p>
          {commitFailure?.formError ? <FormAlert message={commitFailure.formError} /> : null}
          {blocked ? (
            <p className="alert alert--warning" role="status">
              {it('import.commitBlocked')}
            </p>
          ) : null}
          <Form method="post" className="form-actions">
            <SubmitButton
              name="intent"
              value="commit"
              pending={committing}
              pendingLabel={it('import.committing')}
              aria-disabled={blocked || toImport === 0 || committing || undefined}
              onClick={(event) => {
                if (blocked || toImport === 0) event.preventDefault();
              }}
            >
              {toImport === 0 ? it('import.commitNothing') : it('import.commit', { count: toImport })}
            </SubmitButton>
            <Link to="/imports" className="button button--ghost">
              {it('import.restart')}
            </Link>
          </Form>
        </Section>
      ) : null}
    </>
  );
}

function Running() {
  const { job } = useLoaderData<typeof loader>();
  const it = useImportT();
  usePolling(true);
  return (
    <Section id="import-progress" title={it('import.progress')}>
      <p className="panel__lead">
        {it(job.status === 'queued' ? 'import.queuedLead' : 'import.runningLead')}
      </p>
      {job.error && job.attempts > 0 ? <p className="alert alert--warning">{it('import.retrying')}</p> : null}
      <ImportProgress processed={job.processed} total={job.rowCount} />
      <noscript>
        <meta httpEquiv="refresh" content="3" />
        <Link to={`/imports/${job.id}`}>{it('import.refresh')}</Link>
      </noscript>
    </Section>
  );
}

function Completed() {
  const { job } = useLoaderData<typeof loader>();
  const it = useImportT();
  const locale = useLocale();
  const more = job.rejected - job.errors.length;
  return (
    <Section id="import-result" title={it('imports.status.completed')}>
      <Notice>{it('import.completedLead', { date: formatDate(locale, job.finishedAt, true) })}</Notice>
      <Figures
        label={it('imports.col.result')}
        items={[
          { label: it('import.result.created'), value: job.created, tone: 'success' },
          { label: it('import.result.updated'), value: job.updated, tone: 'info' },
          { label: it('import.result.unchanged'), value: job.unchanged },
          { label: it('import.result.rejected'), value: job.rejected, tone: 'danger' },
        ]}
      />
      {job.rejected === 0 ? (
        <p className="muted">{it('import.noRejects')}</p>
      ) : (
        <>
          <h3 className="record-section__subtitle">{it('import.rejectedRows')}</h3>
          <ul className="import-reasons import-reasons--rows">
            {job.errors.map((entry) => (
              <li key={entry.row}>
                <strong>
                  {it('import.col.row')} {entry.row}
                </strong>{' '}
                — {entry.reasons.join(' ; ')}
              </li>
            ))}
          </ul>
          {more > 0 ? <p className="muted">{it('import.rejectedMore', { count: more })}</p> : null}
          <p>
            <a href={`/imports/${job.id}/erreurs.csv`} download className="button button--secondary">
              ↓ {it('import.downloadErrors')}
            </a>
          </p>
        </>
      )}
      <p className="form-actions">
        <Link
          to={job.entity === 'people' ? '/personnes' : '/organisations'}
          className="button button--primary"
        >
          {it(`import.seeRecords.${job.entity}`)}
        </Link>
        <Link to="/imports" className="button button--ghost">
          {it('imports.upload')}
        </Link>
      </p>
    </Section>
  );
}

function Failed() {
  const { job } = useLoaderData<typeof loader>();
  const it = useImportT();
  return (
    <Section id="import-result" title={it('imports.status.failed')}>
      <div className="alert alert--error" role="alert">
        <p>{it('import.failedLead')}</p>
        {job.error ? <p>{it('imports.err.detail', { detail: job.error })}</p> : null}
      </div>
      <p>
        <Link to="/imports" className="button button--primary">
          {it('import.restart')}
        </Link>
      </p>
    </Section>
  );
}

export default function ImportPage() {
  const { job } = useLoaderData<typeof loader>();
  const it = useImportT();
  const locale = useLocale();
  const steps = ['mapping', 'preview', 'import'] as const;
  const current = job.status === 'uploaded' ? 1 : 2;
  const [search] = useSearchParams();
  return (
    <div className="page record">
      <Link to="/imports" className="back-link">
        ← {it('imports.back')}
      </Link>
      <header className="page-header page-header--compact">
        <p className="eyebrow">{it('import.eyebrow', { entity: it(`imports.entity.${job.entity}`) })}</p>
        <h1>{job.fileName}</h1>
        <p className="record-header__meta">
          <ImportStatusPill status={job.status} />
          <span>
            {it('import.meta', { rows: job.rowCount, date: formatDate(locale, job.createdAt, true) })}
          </span>
        </p>
      </header>
      <ol className="stepper" aria-label={it('imports.title')}>
        {steps.map((step, index) => {
          const state = index < current ? 'done' : index === current ? 'current' : 'todo';
          return (
            <li
              key={step}
              className="stepper__step"
              data-state={job.status === 'completed' ? 'done' : state}
              aria-current={state === 'current' && job.status !== 'completed' ? 'step' : undefined}
            >
              {it(`import.step.${step}`)}
            </li>
          );
        })}
      </ol>
      {search.get('report') === 'none' ? (
        <div className="alert alert--warning" role="status">
          {it('import.reportUnavailable')}
        </div>
      ) : null}
      {job.status === 'uploaded' ? (
        <>
          <MappingEditor />
          <Review />
        </>
      ) : job.status === 'queued' || job.status === 'running' ? (
        <Running />
      ) : job.status === 'completed' ? (
        <Completed />
      ) : (
        <Failed />
      )}
    </div>
  );
}
