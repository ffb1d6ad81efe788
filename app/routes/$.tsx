import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { requireActorDeps } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { findSection } from '~/lib/navigation';

/**
 * Everything no other route matches. Sections of the main navigation that are
 * not built yet get a "coming soon" page (signed-in users only); any other
 * path is a 404, rendered by the root ErrorBoundary inside the app shell.
 */
export function loader({ request, context }: LoaderFunctionArgs) {
  const section = findSection(new URL(request.url).pathname);
  if (!section) throw data(null, { status: 404 });
  requireActorDeps(request, context);
  return { label: section.label, description: section.description };
}

export const meta: MetaFunction<typeof loader> = ({ data: section, matches }) =>
  pageTitle(matches, section?.label ?? 'error.notFound.title');

export default function ComingSoon() {
  const section = useLoaderData<typeof loader>();
  const t = useT();

  return (
    <section className="page" aria-labelledby="section-title">
      <header className="page-header">
        <p className="eyebrow">{t('comingSoon.eyebrow')}</p>
        <h1 id="section-title">{t(section.label)}</h1>
        <p className="lead">{t(section.description)}</p>
      </header>
      <p>
        {t('comingSoon.body')} <Link to="/">{t('error.back')}</Link>
      </p>
    </section>
  );
}
