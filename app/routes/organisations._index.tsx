import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from '@remix-run/react';
import { SubmitButton } from '~/components/buttons';
import { OrganisationStatusPill, StageBadge } from '~/components/crm/badges';
import { ExportButtons } from '~/components/crm/export-buttons';
import { ImportLink } from '~/components/crm/imports';
import { EmptyState, ListRegion, Pagination } from '~/components/crm/list';
import { FormAlert, Notice, SelectField, TextField } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { ORGANISATION_STATUSES, ORGANISATION_TYPES, oneOf } from '~/lib/crm.constants';
import {
  AppError,
  hasPermission,
  listOrganisations,
  listStages,
  restoreOrganisation,
} from '~/lib/crm.server';
import { crmFailure } from '~/lib/crm-actions.server';
import { formatAmount, formatDay } from '~/lib/crm-format';
import { enumParam, isUuid, param, uuidParam } from '~/lib/crm-list';
import { invalidForm, loaderGuard } from '~/lib/errors.server';
import { formatDate, useLocale, useT } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { pageTitle } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.organisations');

const PAGE_SIZE = 25;
const SORTS = ['name', '-name', 'city', '-updatedAt', '-createdAt', '-aum'] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const url = new URL(request.url);
  const params = url.searchParams;
  const canDelete = hasPermission(deps.actor, 'organisations', 'delete');
  const filters = {
    q: param(params, 'q', 100),
    type: enumParam(params, 'type', ORGANISATION_TYPES),
    status: enumParam(params, 'status', ORGANISATION_STATUSES),
    stage: uuidParam(params, 'stage'),
    city: param(params, 'city', 120),
    sort: enumParam(params, 'sort', SORTS),
    deleted: canDelete && params.get('deleted') === 'true',
  };
  const cursor = param(params, 'cursor', 500);
  const [page, stages] = await loaderGuard(request, async () => {
    try {
      return await Promise.all([
        listOrganisations(deps, {
          limit: PAGE_SIZE,
          cursor,
          q: filters.q,
          type: filters.type ? [filters.type] : undefined,
          status: filters.status ? [filters.status] : undefined,
          stageId: filters.stage,
          city: filters.city,
          sort: filters.sort ?? (filters.deleted ? '-updatedAt' : 'name'),
          deleted: filters.deleted || undefined,
        }),
        listStages(deps),
      ]);
    } catch (error) {
      // A stale or edited cursor: start the list again rather than fail.
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && cursor) {
        params.delete('cursor');
        params.delete('prev');
        throw redirect(`${url.pathname}?${params}`);
      }
      throw error;
    }
  });
  const stageById = new Map(stages.map((stage) => [stage.id, stage]));
  return {
    filters,
    notice: params.get('notice') === 'deleted' ? ('deleted' as const) : null,
    stages: stages.map(({ id, name, color }) => ({ id, name, color })),
    organisations: page.data.map((organisation) => {
      const stage = organisation.pipelineStageId ? stageById.get(organisation.pipelineStageId) : undefined;
      return {
        id: organisation.id,
        name: organisation.name,
        legalName: organisation.legalName,
        types: organisation.types.filter((type) =>
          (ORGANISATION_TYPES as readonly string[]).includes(type),
        ) as (typeof ORGANISATION_TYPES)[number][],
        city: organisation.city,
        country: organisation.country,
        status: oneOf(ORGANISATION_STATUSES, organisation.status, 'prospect'),
        stage: stage ? { name: stage.name, color: stage.color } : null,
        aum: organisation.aum,
        updatedAt: organisation.updatedAt,
        deletedAt: organisation.deletedAt,
      };
    }),
    nextCursor: page.nextCursor,
    canCreate: hasPermission(deps.actor, 'organisations', 'create'),
    canImport: hasPermission(deps.actor, 'organisations', 'import'),
    canDelete,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const id = form.get('id');
  if (intent !== 'restore' || !isUuid(id)) {
    return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
  }
  try {
    const organisation = await restoreOrganisation(deps, id);
    return {
      ok: true as const,
      id,
      name: organisation.name,
      message: ct('orgs.restored', { name: organisation.name }),
    };
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent, id });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Filters({ filters, stages }: Pick<LoaderData, 'filters' | 'stages'>) {
  const t = useT();
  const ct = useCrmT();
  const submit = useSubmit();
  const active = Boolean(
    filters.q || filters.type || filters.status || filters.stage || filters.city || filters.sort,
  );
  const autoSubmit = (event: { currentTarget: HTMLSelectElement }) =>
    submit(event.currentTarget.form, { preventScrollReset: true });
  return (
    <Form method="get" className="filters crm-filters" role="search" aria-label={t('common.filter')}>
      {filters.deleted ? <input type="hidden" name="deleted" value="true" /> : null}
      <TextField
        label={ct('orgs.search')}
        name="q"
        type="search"
        defaultValue={filters.q ?? ''}
        placeholder={ct('orgs.searchPlaceholder')}
        maxLength={100}
      />
      <SelectField
        label={ct('orgs.filter.type')}
        name="type"
        defaultValue={filters.type ?? ''}
        onChange={autoSubmit}
      >
        <option value="">{ct('orgs.filter.allTypes')}</option>
        {ORGANISATION_TYPES.map((type) => (
          <option key={type} value={type}>
            {ct(`orgType.${type}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={ct('orgs.filter.status')}
        name="status"
        defaultValue={filters.status ?? ''}
        onChange={autoSubmit}
      >
        <option value="">{ct('orgs.filter.allStatuses')}</option>
        {ORGANISATION_STATUSES.map((status) => (
          <option key={status} value={status}>
            {ct(`orgStatus.${status}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={ct('orgs.filter.stage')}
        name="stage"
        defaultValue={filters.stage ?? ''}
        onChange={autoSubmit}
      >
        <option value="">{ct('orgs.filter.allStages')}</option>
        {stages.map((stage) => (
          <option key={stage.id} value={stage.id}>
            {stage.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label={ct('orgs.filter.city')}
        name="city"
        defaultValue={filters.city ?? ''}
        maxLength={120}
      />
      <SelectField
        label={ct('crm.sortBy')}
        name="sort"
        defaultValue={filters.sort ?? ''}
        onChange={autoSubmit}
      >
        <option value="">{ct(filters.deleted ? 'orgs.sort.-updatedAt' : 'orgs.sort.name')}</option>
        {SORTS.filter((sort) => sort !== (filters.deleted ? '-updatedAt' : 'name')).map((sort) => (
          <option key={sort} value={sort}>
            {ct(`orgs.sort.${sort}`)}
          </option>
        ))}
      </SelectField>
      <div className="filters__actions">
        <button type="submit" className="button button--secondary">
          {t('common.filter')}
        </button>
        {active ? (
          <Link
            to={filters.deleted ? '/organisations?deleted=true' : '/organisations'}
            className="button button--ghost"
          >
            {t('common.reset')}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

function Outcome() {
  const result = useActionData<typeof action>();
  if (!result) return null;
  if (result.ok) return <Notice>{result.message}</Notice>;
  return result.formError ? <FormAlert message={result.formError} /> : null;
}

function OrganisationTable({ organisations }: Pick<LoaderData, 'organisations'>) {
  const ct = useCrmT();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table className="table table--stack table--cards">
        <caption className="visually-hidden">{ct('orgs.caption', { count: organisations.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{ct('orgs.col.name')}</th>
            <th scope="col">{ct('orgs.col.city')}</th>
            <th scope="col">{ct('orgs.col.stage')}</th>
            <th scope="col">{ct('orgs.col.status')}</th>
            <th scope="col" className="numeric-head">
              {ct('orgs.col.aum')}
            </th>
            <th scope="col">{ct('orgs.col.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {organisations.map((organisation) => (
            <tr key={organisation.id}>
              <th scope="row">
                <span className="record-name">
                  <Link to={`/organisations/${organisation.id}`} prefetch="intent">
                    {organisation.name}
                  </Link>
                  <span className="record-name__meta">
                    {organisation.types.map((type) => ct(`orgType.${type}`)).join(' · ')}
                  </span>
                </span>
              </th>
              <td data-label={ct('orgs.col.city')}>
                {organisation.city ?? <span className="muted">{ct('crm.empty')}</span>}
              </td>
              <td data-label={ct('orgs.col.stage')}>
                {organisation.stage ? (
                  <StageBadge name={organisation.stage.name} color={organisation.stage.color} />
                ) : (
                  <span className="muted">{ct('orgs.noStage')}</span>
                )}
              </td>
              <td data-label={ct('orgs.col.status')}>
                <OrganisationStatusPill status={organisation.status} />
              </td>
              <td data-label={ct('orgs.col.aum')} className="numeric">
                {organisation.aum ? (
                  formatAmount(locale, organisation.aum.amount, organisation.aum.currency)
                ) : (
                  <span className="muted">{ct('crm.empty')}</span>
                )}
              </td>
              <td data-label={ct('orgs.col.updated')} className="nowrap">
                {formatDay(locale, organisation.updatedAt.slice(0, 10))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BinTable({ organisations }: Pick<LoaderData, 'organisations'>) {
  const ct = useCrmT();
  const locale = useLocale();
  const navigation = useNavigation();
  return (
    <div className="table-wrap">
      <table className="table table--stack table--cards">
        <caption className="visually-hidden">{ct('orgs.caption', { count: organisations.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{ct('orgs.col.name')}</th>
            <th scope="col">{ct('orgs.col.city')}</th>
            <th scope="col">{ct('orgs.col.deleted')}</th>
            <th scope="col">
              <span className="visually-hidden">{ct('crm.restore')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {organisations.map((organisation) => (
            <tr key={organisation.id}>
              <th scope="row">{organisation.name}</th>
              <td data-label={ct('orgs.col.city')}>{organisation.city ?? ct('crm.empty')}</td>
              <td data-label={ct('orgs.col.deleted')} className="nowrap">
                {organisation.deletedAt ? formatDate(locale, organisation.deletedAt, true) : ''}
              </td>
              <td className="table__actions">
                <Form method="post" preventScrollReset>
                  <input type="hidden" name="id" value={organisation.id} />
                  <SubmitButton
                    name="intent"
                    value="restore"
                    variant="secondary"
                    className="button--small"
                    pending={navigation.formData?.get('id') === organisation.id}
                    aria-label={ct('orgs.restoreLabel', { name: organisation.name })}
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

export default function Organisations() {
  const { filters, stages, organisations, nextCursor, canCreate, canDelete, canImport, notice } =
    useLoaderData<typeof loader>();
  const t = useT();
  const ct = useCrmT();
  const bin = filters.deleted;
  const filtered = Boolean(filters.q || filters.type || filters.status || filters.stage || filters.city);

  return (
    <div className="page">
      <div className="page-bar">
        <header className="page-header page-header--compact">
          {bin ? (
            <Link to="/organisations" className="back-link">
              ← {ct('orgs.backToList')}
            </Link>
          ) : null}
          <h1>{bin ? ct('orgs.binTitle') : t('nav.organisations')}</h1>
          <ExportButtons entity="organisations" />
          <p className="lead">{bin ? ct('orgs.binLead') : ct('orgs.lead')}</p>
        </header>
        {bin ? null : (
          <div className="page-bar__actions">
            {canDelete ? (
              <Link to="/organisations?deleted=true" className="button button--ghost">
                {ct('crm.bin')}
              </Link>
            ) : null}
            {canImport ? <ImportLink entity="organisations" /> : null}
            {canCreate ? (
              <Link to="/organisations/new" className="button button--primary">
                + {ct('orgs.new')}
              </Link>
            ) : null}
          </div>
        )}
      </div>

      {notice === 'deleted' ? (
        <Notice>
          {ct('orgs.deletedNotice')}{' '}
          {canDelete ? <Link to="/organisations?deleted=true">{ct('orgs.openBin')}</Link> : null}
        </Notice>
      ) : null}
      <Outcome />
      <Filters filters={filters} stages={stages} />

      <ListRegion pathname="/organisations">
        {organisations.length === 0 ? (
          <EmptyState
            message={bin && !filtered ? ct('orgs.binEmpty') : ct('orgs.empty')}
            action={
              filtered ? (
                <Link to={bin ? '/organisations?deleted=true' : '/organisations'}>
                  {ct('orgs.emptyReset')}
                </Link>
              ) : null
            }
          />
        ) : bin ? (
          <BinTable organisations={organisations} />
        ) : (
          <OrganisationTable organisations={organisations} />
        )}
        <Pagination nextCursor={nextCursor} />
      </ListRegion>
    </div>
  );
}
