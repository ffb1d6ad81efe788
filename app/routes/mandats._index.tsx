import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useSubmit } from '@remix-run/react';
import { MandateStatusPill } from '~/components/crm/badges';
import { BinLink, BinTable, RestoreOutcome } from '~/components/crm/bin';
import { ExportButtons } from '~/components/crm/export-buttons';
import { EmptyState, ListRegion, Pagination } from '~/components/crm/list';
import { Notice, SelectField, TextField } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { MANDATE_STATUSES, MANDATE_TYPES, oneOf } from '~/lib/crm.constants';
import { AppError, hasPermission, listMandates, organisationNames, restoreMandate } from '~/lib/crm.server';
import { restoreFromBin } from '~/lib/crm-bin.server';
import { formatAmount, formatDay } from '~/lib/crm-format';
import { enumParam, param } from '~/lib/crm-list';
import { loaderGuard } from '~/lib/errors.server';
import { useLocale, useT } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { pageTitle } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.mandates');

const PAGE_SIZE = 25;
const SORTS = ['-updatedAt', 'number', '-amount', 'nextReviewAt'] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const url = new URL(request.url);
  const params = url.searchParams;
  const canDelete = hasPermission(deps.actor, 'mandates', 'delete');
  const filters = {
    deleted: canDelete && params.get('deleted') === 'true',
    q: param(params, 'q', 100),
    status: enumParam(params, 'status', MANDATE_STATUSES),
    type: enumParam(params, 'type', MANDATE_TYPES),
    sort: enumParam(params, 'sort', SORTS),
  };
  const cursor = param(params, 'cursor', 500);
  const page = await loaderGuard(request, async () => {
    try {
      return await listMandates(deps, {
        limit: PAGE_SIZE,
        cursor,
        q: filters.q,
        status: filters.status ? [filters.status] : undefined,
        type: filters.type ? [filters.type] : undefined,
        sort: filters.sort ?? '-updatedAt',
        deleted: filters.deleted || undefined,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && cursor) {
        params.delete('cursor');
        params.delete('prev');
        throw redirect(`${url.pathname}?${params}`);
      }
      throw error;
    }
  });
  const organisations = await organisationNames(
    deps,
    page.data.map((mandate) => mandate.organisationId),
  );
  return {
    filters,
    mandates: page.data.map((mandate) => ({
      id: mandate.id,
      number: mandate.number,
      title: mandate.title,
      organisation: organisations[mandate.organisationId]
        ? { id: mandate.organisationId, name: organisations[mandate.organisationId] ?? '' }
        : null,
      type: oneOf(MANDATE_TYPES, mandate.type, 'other'),
      status: oneOf(MANDATE_STATUSES, mandate.status, 'draft'),
      amount: mandate.amount,
      currency: mandate.currency,
      nextReviewAt: mandate.nextReviewAt,
      deletedAt: mandate.deletedAt,
    })),
    nextCursor: page.nextCursor,
    canCreate: hasPermission(deps.actor, 'mandates', 'create'),
    canDelete,
    notice: params.get('notice') === 'deleted' ? ('deleted' as const) : null,
  };
}

/** The bin's Restore button. */
export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const form = await request.formData();
  return restoreFromBin(
    form,
    request,
    async (id) => {
      const mandate = await restoreMandate(deps, id);
      return { name: `${mandate.number} · ${mandate.title}` };
    },
    { t: translatorFor(context), ct: crmTranslator(localeOf(context)) },
  );
}

/** Mandats: searchable, filtered by status and type, keyset-paged. */
export default function Mandates() {
  const { filters, mandates, nextCursor, canCreate, canDelete, notice } = useLoaderData<typeof loader>();
  const t = useT();
  const ct = useCrmT();
  const locale = useLocale();
  const submit = useSubmit();
  const autoSubmit = (event: { currentTarget: HTMLSelectElement }) =>
    submit(event.currentTarget.form, { preventScrollReset: true });
  const active = Boolean(filters.q || filters.status || filters.type || filters.sort);
  const bin = filters.deleted;
  const home = bin ? '/mandats?deleted=true' : '/mandats';

  return (
    <div className="page">
      <div className="page-bar">
        <header className="page-header page-header--compact">
          {bin ? (
            <Link to="/mandats" className="back-link">
              ← {ct('bin.back')}
            </Link>
          ) : null}
          <h1>{bin ? ct('mandates.binTitle') : t('nav.mandates')}</h1>
          <p className="lead">{bin ? ct('bin.lead') : ct('mandates.lead')}</p>
        </header>
        {bin ? null : (
          <div className="page-bar__actions">
            <ExportButtons entity="mandates" />
            {canDelete ? <BinLink to="/mandats?deleted=true" /> : null}
            {canCreate ? (
              <Link to="/mandats/new" className="button button--primary">
                + {ct('mandates.new')}
              </Link>
            ) : null}
          </div>
        )}
      </div>
      {notice === 'deleted' ? (
        <Notice>
          {ct('mandate.deletedNotice')}{' '}
          {canDelete ? <Link to="/mandats?deleted=true">{ct('bin.open')}</Link> : null}
        </Notice>
      ) : null}
      {bin ? <RestoreOutcome recordPath={(id) => `/mandats/${id}`} /> : null}

      <Form method="get" className="filters crm-filters" role="search" aria-label={t('common.filter')}>
        {bin ? <input type="hidden" name="deleted" value="true" /> : null}
        <TextField
          label={ct('mandates.search')}
          name="q"
          type="search"
          defaultValue={filters.q ?? ''}
          placeholder={ct('mandates.searchPlaceholder')}
          maxLength={100}
        />
        <SelectField
          label={ct('mandates.filter.status')}
          name="status"
          defaultValue={filters.status ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{ct('mandates.filter.allStatuses')}</option>
          {MANDATE_STATUSES.map((status) => (
            <option key={status} value={status}>
              {ct(`mandateStatus.${status}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={ct('mandates.filter.type')}
          name="type"
          defaultValue={filters.type ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{ct('mandates.filter.allTypes')}</option>
          {MANDATE_TYPES.map((type) => (
            <option key={type} value={type}>
              {ct(`mandateType.${type}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={ct('crm.sortBy')}
          name="sort"
          defaultValue={filters.sort ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{ct('mandates.sort.-updatedAt')}</option>
          {SORTS.filter((sort) => sort !== '-updatedAt').map((sort) => (
            <option key={sort} value={sort}>
              {ct(`mandates.sort.${sort}`)}
            </option>
          ))}
        </SelectField>
        <div className="filters__actions">
          <button type="submit" className="button button--secondary">
            {t('common.filter')}
          </button>
          {active ? (
            <Link to={home} className="button button--ghost">
              {t('common.reset')}
            </Link>
          ) : null}
        </div>
      </Form>

      <ListRegion pathname="/mandats">
        {mandates.length === 0 ? (
          <EmptyState
            message={bin && !active ? ct('bin.empty') : ct('mandates.empty')}
            action={active ? <Link to={home}>{ct('orgs.emptyReset')}</Link> : null}
          />
        ) : bin ? (
          <BinTable
            rows={mandates.map((mandate) => ({
              id: mandate.id,
              name: `${mandate.number} · ${mandate.title}`,
              detail: mandate.organisation?.name ?? null,
              deletedAt: mandate.deletedAt,
            }))}
            caption={ct('mandates.binTitle')}
            nameLabel={ct('mandates.col.title')}
            detailLabel={ct('mandates.col.organisation')}
          />
        ) : (
          <div className="table-wrap">
            <table className="table table--stack table--cards">
              <caption className="visually-hidden">
                {ct('mandates.caption', { count: mandates.length })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{ct('mandates.col.title')}</th>
                  <th scope="col">{ct('mandates.col.organisation')}</th>
                  <th scope="col">{ct('mandates.col.type')}</th>
                  <th scope="col">{ct('mandates.col.status')}</th>
                  <th scope="col" className="numeric-head">
                    {ct('mandates.col.amount')}
                  </th>
                  <th scope="col">{ct('mandates.col.review')}</th>
                </tr>
              </thead>
              <tbody>
                {mandates.map((mandate) => (
                  <tr key={mandate.id}>
                    <th scope="row">
                      <span className="record-name">
                        <Link to={`/mandats/${mandate.id}`} prefetch="intent">
                          {mandate.title}
                        </Link>
                        <span className="record-name__meta">{mandate.number}</span>
                      </span>
                    </th>
                    <td data-label={ct('mandates.col.organisation')}>
                      {mandate.organisation ? (
                        <Link to={`/organisations/${mandate.organisation.id}`}>
                          {mandate.organisation.name}
                        </Link>
                      ) : (
                        <span className="muted">{ct('crm.unknownOrganisation')}</span>
                      )}
                    </td>
                    <td data-label={ct('mandates.col.type')}>{ct(`mandateType.${mandate.type}`)}</td>
                    <td data-label={ct('mandates.col.status')}>
                      <MandateStatusPill status={mandate.status} />
                    </td>
                    <td data-label={ct('mandates.col.amount')} className="numeric">
                      {mandate.amount ? (
                        formatAmount(locale, mandate.amount, mandate.currency)
                      ) : (
                        <span className="muted">{ct('crm.empty')}</span>
                      )}
                    </td>
                    <td data-label={ct('mandates.col.review')} className="nowrap">
                      {mandate.nextReviewAt ? (
                        formatDay(locale, mandate.nextReviewAt)
                      ) : (
                        <span className="muted">{ct('crm.empty')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination nextCursor={nextCursor} />
      </ListRegion>
    </div>
  );
}
