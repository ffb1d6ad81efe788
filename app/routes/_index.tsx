import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { requireActorDeps } from '~/lib/auth.server';
import { translator, useT } from '~/lib/i18n';
import { localeFromMatches } from '~/lib/meta';
import { SECTIONS } from '~/lib/navigation';

export const meta: MetaFunction = ({ matches }) => {
  const t = translator(localeFromMatches(matches));
  return [
    { title: `${t('dashboard.title')} · ${t('app.name')}` },
    { name: 'description', content: t('dashboard.metaDescription') },
  ];
};

export function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireActorDeps(request, context);
  return { firstName: actor.name.split(/\s+/)[0] ?? actor.name };
}

export default function Dashboard() {
  const { firstName } = useLoaderData<typeof loader>();
  const t = useT();
  const upcoming = SECTIONS.filter((section) => section.path !== '/');

  return (
    <div className="page">
      <header className="page-header">
        <p className="eyebrow">{t('dashboard.eyebrow', { name: firstName })}</p>
        <h1>{t('dashboard.title')}</h1>
        <p className="lead">{t('dashboard.lead')}</p>
      </header>

      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t('dashboard.upcoming')}</h2>
        <ul className="card-grid">
          {upcoming.map((section) => (
            <li key={section.path} className="card">
              <h3 className="card__title">
                <Link to={section.path}>{t(section.label)}</Link>
              </h3>
              <p>{t(section.description)}</p>
              <p className="badge">{t('dashboard.badge')}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
