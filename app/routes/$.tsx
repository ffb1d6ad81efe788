import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { findSection } from '~/lib/navigation';

/**
 * Everything no other route matches. Sections of the main navigation that are
 * not built yet get a "coming soon" page; any other path is a 404, rendered
 * by the root ErrorBoundary inside the app shell.
 */
export function loader({ request }: LoaderFunctionArgs) {
  const section = findSection(new URL(request.url).pathname);
  if (!section) throw data(null, { status: 404 });
  return { label: section.label, description: section.description };
}

export const meta: MetaFunction<typeof loader> = ({ data: section }) => [
  { title: `${section?.label ?? 'Page introuvable'} · Alforis CRM` },
];

export default function ComingSoon() {
  const section = useLoaderData<typeof loader>();

  return (
    <section className="page" aria-labelledby="section-title">
      <header className="page-header">
        <p className="eyebrow">Bientôt disponible</p>
        <h1 id="section-title">{section.label}</h1>
        <p className="lead">{section.description}</p>
      </header>
      <p>
        Cette partie d’Alforis CRM est en cours de construction. <Link to="/">Retour au tableau de bord</Link>
      </p>
    </section>
  );
}
