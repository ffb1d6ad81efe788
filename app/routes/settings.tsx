import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Outlet, useLoaderData } from '@remix-run/react';
import { PageHeader, SubNav } from '~/components/page';
import { requireAdminDeps } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import { useCacheT } from '~/lib/i18n-cache';
import { hasPermission } from '~/lib/identity.server';

/**
 * The administration area. Only actors who may administer (users:update or
 * roles:manage) get in, even by typing the URL: others get the 403 page. Each
 * page then checks its own read permission (in the services).
 */
export function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireAdminDeps(request, context);
  return {
    tabs: {
      users: hasPermission(actor, 'users', 'read'),
      teams: hasPermission(actor, 'teams', 'read'),
      roles: hasPermission(actor, 'roles', 'read'),
      webhooks: hasPermission(actor, 'settings', 'manage'),
      cache: hasPermission(actor, 'settings', 'manage'),
    },
  };
}

export default function SettingsLayout() {
  const { tabs } = useLoaderData<typeof loader>();
  const t = useT();
  const cacheT = useCacheT();
  const items = [
    tabs.users ? { to: '/settings/users', label: t('settings.tab.users') } : null,
    tabs.teams ? { to: '/settings/teams', label: t('settings.tab.teams') } : null,
    tabs.roles ? { to: '/settings/roles', label: t('settings.tab.roles') } : null,
    tabs.webhooks ? { to: '/settings/webhooks', label: 'Webhooks' } : null,
    tabs.cache ? { to: '/settings/cache', label: cacheT('cache.tab') } : null,
  ].filter((item) => item !== null);
  return (
    <div className="page page--wide">
      <PageHeader eyebrow={t('settings.eyebrow')} title={t('settings.title')} />
      <SubNav label={t('settings.nav')} items={items} />
      <Outlet />
    </div>
  );
}
