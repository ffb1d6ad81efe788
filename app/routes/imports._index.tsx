import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useId } from 'react';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { IMPORT_ENTITIES, type ImportEntity, ImportStatusPill } from '~/components/crm/imports';
import { EmptyState, ListRegion, Pagination } from '~/components/crm/list';
import { FieldErrorsProvider, FormAlert, TextField, useFieldError } from '~/components/form';
import { localeOf, requireActorDeps, requireAnyPermission, translatorFor } from '~/lib/auth.server';
import { enumParam, param } from '~/lib/crm-list';
import { loaderGuard } from '~/lib/errors.server';
import { formatDate, translator, useLocale, useT } from '~/lib/i18n';
import { importTranslator, useImportT } from '~/lib/i18n-imports';
import {
  importableEntities,
  importBindings,
  listImports,
  readUploadForm,
  uploadFailure,
  uploadImport,
} from '~/lib/imports.server';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => {
  const locale = localeFromMatches(matches);
  return [{ title: `${importTranslator(locale)('imports.title')} · ${translator(locale)('app.name')}` }];
};

const PAGE_SIZE = 20;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  requireAnyPermission(deps.actor, ['organisations', 'import'], ['people', 'import']);
  const params = new URL(request.url).searchParams;
  const entities = importableEntities(deps.actor);
  const page = await loaderGuard(request, () =>
    listImports(deps, { limit: PAGE_SIZE, cursor: param(params, 'cursor', 500) }),
  );
  return {
    entities,
    // The list page a user came from preselects what the file holds.
    entity: enumParam(params, 'entity', entities) ?? entities[0] ?? 'organisations',
    jobs: page.data.map((job) => ({
      id: job.id,
      fileName: job.fileName,
      entity: job.entity,
      status: job.status,
      rowCount: job.rowCount,
      created: job.created,
      updated: job.updated,
      rejected: job.rejected,
      createdAt: job.createdAt,
    })),
    nextCursor: page.nextCursor,
  };
}

/** The upload: parsed and checked at once; a good file opens its mapping and preview. */
export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const it = importTranslator(localeOf(context));
  const read = await readUploadForm(request, importableEntities(deps.actor), t, it);
  if ('failure' in read) return data(read.failure, { status: read.status });
  try {
    const job = await uploadImport(deps, importBindings(context).bucket, read.upload);
    return redirect(`/imports/${job.id}`);
  } catch (error) {
    return uploadFailure(error, request, t, it);
  }
}

function EntityChoice({ entities, selected }: { entities: readonly ImportEntity[]; selected: ImportEntity }) {
  const it = useImportT();
  const error = useFieldError('entity');
  const id = useId();
  return (
    <fieldset
      className={`field check-group${error ? ' field--invalid' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend className="field__label">{it('imports.entity')}</legend>
      <div className="check-group__options">
        {IMPORT_ENTITIES.filter((entity) => entities.includes(entity)).map((entity, index) => (
          <label key={entity} className="check">
            <input
              type="radio"
              name="entity"
              value={entity}
              defaultChecked={entity === selected}
              required
              aria-invalid={error && index === 0 ? true : undefined}
            />
            <span>{it(`imports.entity.${entity}`)}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function UploadForm() {
  const { entities, entity } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const it = useImportT();
  const uploading = useSubmitting();
  return (
    <section className="panel" aria-labelledby="import-upload-title">
      <h2 id="import-upload-title" className="panel__title">
        {it('imports.upload')}
      </h2>
      <p className="panel__lead">{it('imports.limits')}</p>
      {/* No browser-side schema: a file is not a string field. The server checks and answers inline. */}
      <Form method="post" encType="multipart/form-data" className="stack" noValidate>
        {failure?.formError ? <FormAlert message={failure.formError} /> : null}
        <FieldErrorsProvider errors={failure?.fieldErrors}>
          <EntityChoice entities={entities} selected={entity} />
          <TextField
            label={it('imports.file')}
            name="file"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            hint={it('imports.fileHint')}
            required
          />
        </FieldErrorsProvider>
        <div className="form-actions">
          <SubmitButton pending={uploading} pendingLabel={it('imports.analysing')}>
            {it('imports.submit')}
          </SubmitButton>
        </div>
      </Form>
    </section>
  );
}

export default function Imports() {
  const { jobs, nextCursor } = useLoaderData<typeof loader>();
  const t = useT();
  const it = useImportT();
  const locale = useLocale();
  return (
    <div className="page">
      <header className="page-header page-header--compact">
        <h1>{it('imports.title')}</h1>
        <p className="lead">{it('imports.lead')}</p>
      </header>
      <div className="stack">
        <UploadForm />
        <section className="panel" aria-labelledby="import-history-title">
          <h2 id="import-history-title" className="panel__title">
            {it('imports.history')}
          </h2>
          <ListRegion pathname="/imports">
            {jobs.length === 0 ? (
              <EmptyState message={it('imports.historyEmpty')} />
            ) : (
              <div className="table-wrap">
                <table className="table table--stack table--cards">
                  <caption className="visually-hidden">{it('imports.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{it('imports.col.file')}</th>
                      <th scope="col">{it('imports.col.entity')}</th>
                      <th scope="col">{it('imports.col.status')}</th>
                      <th scope="col" className="numeric-head">
                        {it('imports.col.rows')}
                      </th>
                      <th scope="col">{it('imports.col.result')}</th>
                      <th scope="col">{it('imports.col.date')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {jobs.map((job) => (
                      <tr key={job.id}>
                        <th scope="row">
                          <Link to={`/imports/${job.id}`}>{job.fileName}</Link>
                        </th>
                        <td data-label={it('imports.col.entity')}>{it(`imports.entity.${job.entity}`)}</td>
                        <td data-label={it('imports.col.status')}>
                          <ImportStatusPill status={job.status} />
                        </td>
                        <td data-label={it('imports.col.rows')} className="numeric">
                          {job.rowCount}
                        </td>
                        <td data-label={it('imports.col.result')}>
                          {job.status === 'completed' ? (
                            it('imports.resultSummary', {
                              created: job.created,
                              updated: job.updated,
                              rejected: job.rejected,
                            })
                          ) : (
                            <span className="muted">{t('common.none')}</span>
                          )}
                        </td>
                        <td data-label={it('imports.col.date')} className="nowrap">
                          {formatDate(locale, job.createdAt, true)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pagination nextCursor={nextCursor} />
          </ListRegion>
        </section>
      </div>
    </div>
  );
}
