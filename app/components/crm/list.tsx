import { Link, useLocation, useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { pageLinks } from '~/lib/crm-list';
import { useCrmT } from '~/lib/i18n-crm';

/** True while the next version of the list at `pathname` loads (filters, sort, paging). */
export function useListLoading(pathname: string): boolean {
  const navigation = useNavigation();
  return navigation.state === 'loading' && navigation.location.pathname === pathname && !navigation.formData;
}

/**
 * A list's results: dimmed and marked busy while the next page or filter
 * loads, with the change announced to screen readers.
 */
export function ListRegion({ pathname, children }: { pathname: string; children: ReactNode }) {
  const loading = useListLoading(pathname);
  const t = useCrmT();
  return (
    <div className="list-region" aria-busy={loading || undefined} data-loading={loading || undefined}>
      <p className="list-region__status" role="status">
        {loading ? (
          <>
            <span className="spinner" aria-hidden="true" /> {t('crm.loading')}
          </>
        ) : null}
      </p>
      {children}
    </div>
  );
}

/** First / previous / next links of a keyset-paged list; the state stays in the address. */
export function Pagination({ nextCursor }: { nextCursor: string | null }) {
  const t = useCrmT();
  const { pathname, search } = useLocation();
  const links = pageLinks(pathname, search, nextCursor);
  if (!links.previous && !links.next) return null;
  return (
    <nav className="pagination crm-pagination" aria-label={t('crm.pagination')}>
      <span className="crm-pagination__back">
        {links.first && links.page > 2 ? (
          <Link to={links.first} prefetch="intent">
            {t('crm.first')}
          </Link>
        ) : null}
        {links.previous ? (
          <Link to={links.previous} rel="prev" prefetch="intent">
            ← {t('crm.previous')}
          </Link>
        ) : null}
      </span>
      {links.next ? (
        <Link to={links.next} rel="next" prefetch="intent">
          {t('crm.next')} →
        </Link>
      ) : null}
    </nav>
  );
}

/** The message of an empty list, with a way out. */
export function EmptyState({ message, action }: { message: string; action?: ReactNode }) {
  return (
    <div className="empty">
      <p>{message}</p>
      {action}
    </div>
  );
}
