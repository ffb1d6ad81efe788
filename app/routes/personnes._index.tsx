import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useSubmit } from '@remix-run/react';
import { ExportButtons } from '~/components/crm/export-buttons';
import { EmptyState, ListRegion, Pagination } from '~/components/crm/list';
import { Notice, SelectField, TextField } from '~/components/form';
import { requireActorDeps } from '~/lib/auth.server';
import { AppError, currentOrganisations, hasPermission, listPeople } from '~/lib/crm.server';
import { enumParam, param } from '~/lib/crm-list';
import { loaderGuard } from '~/lib/errors.server';
import { useT } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';
import { pageTitle } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.people');

const PAGE_SIZE = 25;
const SORTS = ['lastName', '-lastName', 'city', '-updatedAt', '-createdAt'] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const url = new URL(request.url);
  const params = url.searchParams;
  const filters = {
    q: param(params, 'q', 100),
    city: param(params, 'city', 120),
    sort: enumParam(params, 'sort', SORTS),
  };
  const cursor = param(params, 'cursor', 500);
  const page = await loaderGuard(request, async () => {
    try {
      return await listPeople(deps, {
        limit: PAGE_SIZE,
        cursor,
        q: filters.q,
        city: filters.city,
        sort: filters.sort ?? 'lastName',
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
  const organisations = await currentOrganisations(
    deps,
    page.data.map((person) => person.id),
  );
  return {
    filters,
    notice: params.get('notice') === 'deleted' ? ('deleted' as const) : null,
    people: page.data.map((person) => ({
      id: person.id,
      name: `${person.firstName} ${person.lastName}`,
      jobTitle: person.jobTitle,
      email: person.workEmail,
      phone: person.workPhone ?? person.mobilePhone,
      city: person.city,
      organisation: organisations[person.id] ?? null,
    })),
    nextCursor: page.nextCursor,
    canCreate: hasPermission(deps.actor, 'people', 'create'),
  };
}

export default function People() {
  const { filters, people, nextCursor, canCreate, notice } = useLoaderData<typeof loader>();
  const t = useT();
  const ct = useCrmT();
  const submit = useSubmit();
  const active = Boolean(filters.q || filters.city || filters.sort);
  return (
    <div className="page">
      <div className="page-bar">
        <header className="page-header page-header--compact">
          <h1>{t('nav.people')}</h1>
          <ExportButtons entity="people" />
          <p className="lead">{ct('people.lead')}</p>
        </header>
        {canCreate ? (
          <div className="page-bar__actions">
            <Link to="/personnes/new" className="button button--primary">
              + {ct('people.new')}
            </Link>
          </div>
        ) : null}
      </div>
      {notice ? <Notice>{ct('person.deletedNotice')}</Notice> : null}

      <Form method="get" className="filters crm-filters" role="search" aria-label={t('common.filter')}>
        <TextField
          label={ct('people.search')}
          name="q"
          type="search"
          defaultValue={filters.q ?? ''}
          placeholder={ct('people.searchPlaceholder')}
          maxLength={100}
        />
        <TextField
          label={ct('people.filter.city')}
          name="city"
          defaultValue={filters.city ?? ''}
          maxLength={120}
        />
        <SelectField
          label={ct('crm.sortBy')}
          name="sort"
          defaultValue={filters.sort ?? ''}
          onChange={(event) => submit(event.currentTarget.form, { preventScrollReset: true })}
        >
          <option value="">{ct('people.sort.lastName')}</option>
          {SORTS.filter((sort) => sort !== 'lastName').map((sort) => (
            <option key={sort} value={sort}>
              {ct(`people.sort.${sort}`)}
            </option>
          ))}
        </SelectField>
        <div className="filters__actions">
          <button type="submit" className="button button--secondary">
            {t('common.filter')}
          </button>
          {active ? (
            <Link to="/personnes" className="button button--ghost">
              {t('common.reset')}
            </Link>
          ) : null}
        </div>
      </Form>

      <ListRegion pathname="/personnes">
        {people.length === 0 ? (
          <EmptyState
            message={ct('people.empty')}
            action={active ? <Link to="/personnes">{ct('orgs.emptyReset')}</Link> : null}
          />
        ) : (
          <div className="table-wrap">
            <table className="table table--stack table--cards">
              <caption className="visually-hidden">{ct('people.caption', { count: people.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{ct('people.col.name')}</th>
                  <th scope="col">{ct('mandates.col.organisation')}</th>
                  <th scope="col">{ct('people.col.email')}</th>
                  <th scope="col">{ct('people.col.phone')}</th>
                  <th scope="col">{ct('people.col.city')}</th>
                </tr>
              </thead>
              <tbody>
                {people.map((person) => (
                  <tr key={person.id}>
                    <th scope="row">
                      <span className="record-name">
                        <Link to={`/personnes/${person.id}`} prefetch="intent">
                          {person.name}
                        </Link>
                        {person.jobTitle ? (
                          <span className="record-name__meta">{person.jobTitle}</span>
                        ) : null}
                      </span>
                    </th>
                    <td data-label={ct('mandates.col.organisation')}>
                      {person.organisation ? (
                        <Link to={`/organisations/${person.organisation.id}`}>
                          {person.organisation.name}
                        </Link>
                      ) : (
                        <span className="muted">{ct('crm.empty')}</span>
                      )}
                    </td>
                    <td data-label={ct('people.col.email')}>
                      {person.email ? (
                        <a href={`mailto:${person.email}`}>{person.email}</a>
                      ) : (
                        <span className="muted">{ct('crm.empty')}</span>
                      )}
                    </td>
                    <td data-label={ct('people.col.phone')} className="nowrap">
                      {person.phone ?? <span className="muted">{ct('crm.empty')}</span>}
                    </td>
                    <td data-label={ct('people.col.city')}>
                      {person.city ?? <span className="muted">{ct('crm.empty')}</span>}
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
