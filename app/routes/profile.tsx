import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Outlet } from '@remix-run/react';
import { PageHeader, SubNav } from '~/components/page';
import { requireActorDeps } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';

/** The signed-in user's own area: profile and personal API tokens. */
export function loader({ request, context }: LoaderFunctionArgs) {
  requireActorDeps(request, context);
  return null;
}

export default function ProfileLayout() {
  const t = useT();
  return (
    <div className="page">
      <PageHeader eyebrow={t('profile.eyebrow')} title={t('profile.title')} />
      <SubNav
        label={t('profile.nav')}
        items={[
          { to: '/profile', label: t('profile.tab.profile') },
          { to: '/profile/tokens', label: t('profile.tab.tokens') },
        ]}
      />
      <Outlet />
    </div>
  );
}
