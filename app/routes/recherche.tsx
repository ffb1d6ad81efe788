import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useLocation, useSubmit } from '@remix-run/react';
import { useEffect } from 'react';
import { EmptyState, ListRegion, Pagination } from '~/components/crm/list';
import { SelectField, TextField } from '~/components/form';
import { PageHeader } from '~/components/page';
import { Highlighted } from '~/components/search/highlight';
import { requireActorDeps } from '~/lib/auth.server';
import {
  LANGUAGES,
  MANDATE_STATUSES,
  MANDATE_TYPES,
  ORGANISATION_CATEGORIES,
  ORGANISATION_STATUSES,
  ORGANISATION_TYPES,
} from '~/lib/crm.constants';
import { AppError, hasPermission } from '~/lib/crm.server';
import { enumParam, listHref, param } from '~/lib/crm-list';
import { loaderGuard } from '~/lib/errors.server';
import { formatDate, useLocale, useT } from '~/lib/i18n';
import { type CrmMessageKey, isCrmMessageKey, useCrmT } from '~/lib/i18n-crm';
import { searchTranslator, useSearchT } from '~/lib/i18n-search';
import { localeFromMatches } from '~/lib/meta';
import {
  search,
  searchMandates,
  searchMandatesQuery,
  searchOrganisations,
  searchOrganisationsQuery,
  searchPeople,
  searchPeopleQuery,
  searchQuery,
} from '~/lib/search.server';
import { recordHref, rememberSearch, resultsHref } from '~/lib/search-client';

const PAGE_SIZE = 20;
const PREVIEW_SIZE = 5;
const MAX_QUERY = 200;
const COUNT_CAP = 1000;
/** Tabs of the page: every type together, or one with its filters. */
const TYPES = ['organisations', 'people', 'mandates', 'interactions'] as const;
type Type = (typeof TYPES)[number];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = searchTranslator(localeFromMatches(matches));
  const q = data && 'q' in data ? data.q : '';
  return [{ title: `${q ? t('search.page.titleFor', { q }) : t('search.page.title')} · Alforis CRM` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const url = new URL(request.url);
  const params = url.searchParams;
  const q = params.get('q')?.trim() ?? '';
  const readable = TYPES.filter((type) => hasPermission(deps.actor, type, 'read'));
  const requested = enumParam(params, 'type', TYPES);
  const type = requested && readable.includes(requested) ? requested : undefined;
  const filters = {
    orgType: enumParam(params, 'orgType', ORGANISATION_TYPES),
    category: enumParam(params, 'category', ORGANISATION_CATEGORIES),
    status: enumParam(params, 'status', [...ORGANISATION_STATUSES, ...MANDATE_STATUSES]),
    mandateType: enumParam(params, 'mandateType', MANDATE_TYPES),
    language: enumParam(params, 'language', LANGUAGES),
    city: param(params, 'city', 120),
    mine: params.get('mine') === '1',
  };
  const base = { q, type: type ?? null, readable, filters };
  if (!q) return { ...base, state: 'prompt' as const };
  if (q.length > MAX_QUERY) return { ...base, state: 'tooLong' as const };
  const cursor = param(params, 'cursor', 500);
  const ownerId = filters.mine ? deps.actor.userId : undefined;

  const run = async () => {
    if (!type || type === 'interactions') {
      const response = await search(
        deps,
        searchQuery.parse({ q, types: type, limit: type ? PAGE_SIZE : PREVIEW_SIZE, cursor }),
      );
      return {
        results: response.results,
        counts: response.counts,
        didYouMean: response.didYouMean ?? null,
        nextCursor: type ? response.nextCursor : null,
      };
    }
    const empty = { organisations: [], people: [], mandates: [], interactions: [] };
    const counts = { organisations: 0, people: 0, mandates: 0, interactions: 0 };
    const common = { q, limit: PAGE_SIZE, cursor, ownerId };
    const status = (values: readonly string[]) =>
      filters.status && values.includes(filters.status) ? filters.status : undefined;
    if (type === 'organisations') {
      const page = await searchOrganisations(
        deps,
        searchOrganisationsQuery.parse({
          ...common,
          type: filters.orgType,
          category: filters.category,
          status: status(ORGANISATION_STATUSES),
          city: filters.city,
        }),
      );
      return {
        results: { ...empty, organisations: page.data },
        counts: { ...counts, organisations: page.count },
        didYouMean: page.didYouMean ?? null,
        nextCursor: page.nextCursor,
      };
    }
    if (type === 'people') {
      const page = await searchPeople(
        deps,
        searchPeopleQuery.parse({ ...common, city: filters.city, language: filters.language }),
      );
      return {
        results: { ...empty, people: page.data },
        counts: { ...counts, people: page.count },
        didYouMean: page.didYouMean ?? null,
        nextCursor: page.nextCursor,
      };
    }
    const page = await searchMandates(
      deps,
      searchMandatesQuery.parse({ ...common, type: filters.mandateType, status: status(MANDATE_STATUSES) }),
    );
    return {
      results: { ...empty, mandates: page.data },
      counts: { ...counts, mandates: page.count },
      didYouMean: page.didYouMean ?? null,
      nextCursor: page.nextCursor,
    };
  };

  const found = await loaderGuard(request, async () => {
    try {
      return await run();
    } catch (error) {
      // A stale or edited cursor: start again from the first page rather than fail.
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && cursor) {
        params.delete('cursor');
        params.delete('prev');
        throw redirect(`${url.pathname}?${params}`);
      }
      throw error;
    }
  });
  return { ...base, state: 'results' as const, ...found };
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Results = Extract<LoaderData, { state: 'results' }>;

function countLabel(t: ReturnType<typeof useSearchT>, count: number): string {
  return count >= COUNT_CAP ? t('search.page.countMany') : t('search.page.count', { count });
}

function SearchForm({ data }: { data: LoaderData }) {
  const t = useSearchT();
  return (
    <Form method="get" className="search-form" role="search" aria-label={t('search.page.field')}>
      {data.type ? <input type="hidden" name="type" value={data.type} /> : null}
      <TextField
        label={t('search.page.field')}
        name="q"
        type="search"
        defaultValue={data.q}
        hint={t('search.page.syntax')}
        maxLength={MAX_QUERY}
        key={data.q}
      />
      <button type="submit" className="button">
        {t('search.page.submit')}
      </button>
    </Form>
  );
}

function Tabs({ data }: { data: Results }) {
  const t = useSearchT();
  // Changing tab keeps the query, drops the filters and the page.
  const href = (type: Type | null) => resultsHref(data.q, type ?? undefined);
  return (
    <nav className="search-tabs" aria-label={t('search.page.tabs')}>
      <ul>
        <li>
          <Link to={href(null)} aria-current={data.type === null ? 'page' : undefined}>
            {t('search.page.all')}
          </Link>
        </li>
        {data.readable.map((type) => (
          <li key={type}>
            <Link to={href(type)} aria-current={data.type === type ? 'page' : undefined}>
              {t(`search.type.${type}`)}
              {data.type === null || data.type === type ? (
                <span className="search-tabs__count">{countLabel(t, data.counts[type])}</span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Filters({ data }: { data: Results }) {
  const t = useT();
  const st = useSearchT();
  const ct = useCrmT();
  const submit = useSubmit();
  const { pathname, search: current } = useLocation();
  const { filters } = data;
  if (!data.type || data.type === 'interactions') return null;
  const autoSubmit = (event: { currentTarget: HTMLSelectElement | HTMLInputElement }) =>
    submit(event.currentTarget.form, { preventScrollReset: true });
  const active = Boolean(
    filters.orgType ||
      filters.category ||
      filters.status ||
      filters.mandateType ||
      filters.language ||
      filters.city ||
      filters.mine,
  );
  const select = (
    name: string,
    label: string,
    any: string,
    value: string | undefined,
    values: readonly string[],
    key: (value: string) => CrmMessageKey,
  ) => (
    <SelectField label={label} name={name} defaultValue={value ?? ''} onChange={autoSubmit}>
      <option value="">{any}</option>
      {values.map((item) => (
        <option key={item} value={item}>
          {ct(key(item))}
        </option>
      ))}
    </SelectField>
  );
  return (
    <Form method="get" className="filters crm-filters" aria-label={t('common.filter')}>
      <input type="hidden" name="q" value={data.q} />
      <input type="hidden" name="type" value={data.type} />
      {data.type === 'organisations' ? (
        <>
          {select(
            'orgType',
            st('search.page.filterType'),
            st('search.page.anyType'),
            filters.orgType,
            ORGANISATION_TYPES,
            (v) => `orgType.${v}` as CrmMessageKey,
          )}
          {select(
            'category',
            st('search.page.filterCategory'),
            st('search.page.anyCategory'),
            filters.category,
            ORGANISATION_CATEGORIES,
            (v) => `orgCategory.${v}` as CrmMessageKey,
          )}
          {select(
            'status',
            st('search.page.filterStatus'),
            st('search.page.anyStatus'),
            filters.status,
            ORGANISATION_STATUSES,
            (v) => `orgStatus.${v}` as CrmMessageKey,
          )}
        </>
      ) : null}
      {data.type === 'mandates' ? (
        <>
          {select(
            'mandateType',
            st('search.page.filterType'),
            st('search.page.anyType'),
            filters.mandateType,
            MANDATE_TYPES,
            (v) => `mandateType.${v}` as CrmMessageKey,
          )}
          {select(
            'status',
            st('search.page.filterStatus'),
            st('search.page.anyStatus'),
            filters.status,
            MANDATE_STATUSES,
            (v) => `mandateStatus.${v}` as CrmMessageKey,
          )}
        </>
      ) : null}
      {data.type === 'people'
        ? select(
            'language',
            st('search.page.filterLanguage'),
            st('search.page.anyLanguage'),
            filters.language,
            LANGUAGES,
            (v) => `language.${v}` as CrmMessageKey,
          )
        : null}
      {data.type !== 'mandates' ? (
        <TextField
          label={st('search.page.filterCity')}
          name="city"
          defaultValue={filters.city ?? ''}
          maxLength={120}
        />
      ) : null}
      <label className="check">
        <input type="checkbox" name="mine" value="1" defaultChecked={filters.mine} onChange={autoSubmit} />
        <span>{st('search.page.filterMine')}</span>
      </label>
      <div className="filters__actions">
        <button type="submit" className="button button--secondary">
          {t('common.filter')}
        </button>
        {active ? (
          <Link
            to={listHref(pathname, current, {
              orgType: null,
              category: null,
              status: null,
              mandateType: null,
              language: null,
              city: null,
              mine: null,
            })}
            className="button button--ghost"
          >
            {t('common.reset')}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

function FuzzyBadge({ fuzzy }: { fuzzy: boolean }) {
  const t = useSearchT();
  return fuzzy ? <span className="search-hit__badge">{t('search.fuzzy')}</span> : null;
}

function Snippet({ html }: { html: string | null }) {
  return html ? (
    <p className="search-hit__snippet">
      <Highlighted html={html} />
    </p>
  ) : null;
}

/** Remembers the query once the user lands on a record from this page. */
function HitLink({ to, q, html }: { to: string; q: string; html: string }) {
  return (
    <Link to={to} prefetch="intent" onClick={() => rememberSearch(q)}>
      <Highlighted html={html} />
    </Link>
  );
}

function Hits({ data, type }: { data: Results; type: Type }) {
  const st = useSearchT();
  const ct = useCrmT();
  const locale = useLocale();
  const join = (parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' · ');
  const known = (key: string) => (isCrmMessageKey(key) ? ct(key) : key);
  if (type === 'organisations') {
    return data.results.organisations.map((hit) => (
      <li key={hit.id} className="search-hit">
        <span className="search-hit__title">
          <HitLink to={recordHref('organisations', hit.id)} q={data.q} html={hit.highlight.name} />
          <FuzzyBadge fuzzy={hit.match === 'fuzzy'} />
        </span>
        <p className="search-hit__meta">
          {join([
            hit.types.map((value) => known(`orgType.${value}`)).join(', '),
            hit.city,
            known(`orgStatus.${hit.status}`),
          ])}
        </p>
        <Snippet html={hit.highlight.snippet} />
      </li>
    ));
  }
  if (type === 'people') {
    return data.results.people.map((hit) => (
      <li key={hit.id} className="search-hit">
        <span className="search-hit__title">
          <HitLink to={recordHref('people', hit.id)} q={data.q} html={hit.highlight.name} />
          <FuzzyBadge fuzzy={hit.match === 'fuzzy'} />
        </span>
        <p className="search-hit__meta">{join([hit.jobTitle, hit.workEmail, hit.city])}</p>
        <Snippet html={hit.highlight.snippet} />
      </li>
    ));
  }
  if (type === 'mandates') {
    return data.results.mandates.map((hit) => (
      <li key={hit.id} className="search-hit">
        <span className="search-hit__title">
          <HitLink to={recordHref('mandates', hit.id)} q={data.q} html={hit.highlight.name} />
          <FuzzyBadge fuzzy={hit.match === 'fuzzy'} />
        </span>
        <p className="search-hit__meta">
          {join([hit.number, known(`mandateType.${hit.type}`), known(`mandateStatus.${hit.status}`)])}
        </p>
        <Snippet html={hit.highlight.snippet} />
      </li>
    ));
  }
  return data.results.interactions.map((hit) => {
    const to = hit.mandateId
      ? recordHref('mandates', hit.mandateId)
      : hit.organisationId
        ? `/organisations/${hit.organisationId}/interactions`
        : null;
    return (
      <li key={hit.id} className="search-hit">
        <span className="search-hit__title">
          {to ? (
            <HitLink to={to} q={data.q} html={hit.highlight.name} />
          ) : (
            <Highlighted html={hit.highlight.name} />
          )}
        </span>
        <p className="search-hit__meta">
          {st('search.page.interactionOn', {
            type: known(`interactionType.${hit.type}`),
            date: formatDate(locale, hit.occurredAt),
          })}
        </p>
        <Snippet html={hit.highlight.snippet} />
      </li>
    );
  });
}

function ResultList({ data }: { data: Results }) {
  const t = useSearchT();
  const shown = data.type ? [data.type] : data.readable;
  const groups = shown.filter((type) => data.results[type].length > 0);
  if (groups.length === 0) {
    return <EmptyState message={`${t('search.page.none', { q: data.q })} ${t('search.page.noneHint')}`} />;
  }
  const allFuzzy = groups.every((type) =>
    (data.results[type] as { match: string }[]).every((hit) => hit.match === 'fuzzy'),
  );
  return (
    <div className="search-results">
      {allFuzzy ? <p className="muted">{t('search.page.fuzzyNote')}</p> : null}
      {groups.map((type) => (
        <section key={type} className="search-group" aria-labelledby={`search-group-${type}`}>
          <h2 id={`search-group-${type}`}>
            {t(`search.type.${type}`)}{' '}
            <span className="search-tabs__count">{countLabel(t, data.counts[type])}</span>
          </h2>
          <ul className="search-hits">
            <Hits data={data} type={type} />
          </ul>
          {!data.type && data.counts[type] > data.results[type].length ? (
            <p>
              <Link to={resultsHref(data.q, type)}>
                {data.counts[type] >= COUNT_CAP
                  ? t('search.page.seeAllMany')
                  : t('search.page.seeAll', { count: data.counts[type] })}
              </Link>
            </p>
          ) : null}
        </section>
      ))}
    </div>
  );
}

export default function SearchPage() {
  const data = useLoaderData<typeof loader>();
  const t = useSearchT();
  const { pathname } = useLocation();
  const q = data.q;
  // A search run from this page counts as a recent search, like one from the bar.
  useEffect(() => {
    if (data.state === 'results') rememberSearch(q);
  }, [data.state, q]);

  return (
    <div className="page">
      <PageHeader title={t('search.page.title')} lead={t('search.page.lead')} />
      <SearchForm data={data} />
      {data.state === 'prompt' ? <EmptyState message={t('search.page.prompt')} /> : null}
      {data.state === 'tooLong' ? (
        <p className="form-alert" role="alert">
          {t('search.page.tooLong', { max: MAX_QUERY })}
        </p>
      ) : null}
      {data.state === 'results' ? (
        <>
          <Tabs data={data} />
          <Filters data={data} />
          {data.didYouMean ? (
            <p className="search-did-you-mean">
              {t('search.didYouMean')}{' '}
              <Link to={resultsHref(data.didYouMean, data.type ?? undefined)}>
                <strong>{data.didYouMean}</strong>
              </Link>{' '}
              ?
            </p>
          ) : null}
          <ListRegion pathname={pathname}>
            <h2 className="visually-hidden">{t('search.page.results')}</h2>
            <ResultList data={data} />
            {data.type ? <Pagination nextCursor={data.nextCursor} /> : null}
          </ListRegion>
        </>
      ) : null}
    </div>
  );
}
