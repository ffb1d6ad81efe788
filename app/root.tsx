import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import faviconHref from '~/assets/favicon.svg?url';
import { ErrorPage } from '~/components/error-page';
import { ThemeSwitch, useOptimisticTheme } from '~/components/theme-switch';
import { SECTIONS } from '~/lib/navigation';
import { themeAttribute } from '~/lib/theme';
import { getTheme } from '~/lib/theme.server';
import appStylesHref from '~/styles/app.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: appStylesHref },
  { rel: 'icon', href: faviconHref, type: 'image/svg+xml' },
];

/** Fallback title; routes set their own, and this one names error pages. */
export const meta: MetaFunction = ({ error }) => {
  if (!error) return [{ title: 'Alforis CRM' }];
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return [{ title: `${notFound ? 'Page introuvable' : 'Erreur'} · Alforis CRM` }];
};

export function loader({ request }: LoaderFunctionArgs) {
  return { theme: getTheme(request) };
}

/**
 * The document and app shell, shared by pages and error boundaries. The theme
 * comes from the cookie on the server, so the first paint is already right.
 */
export function Layout({ children }: { children: ReactNode }) {
  // Undefined when the root loader itself failed; fall back to `system`.
  const data = useRouteLoaderData<typeof loader>('root');
  const saved = data?.theme ?? 'system';
  const theme = useOptimisticTheme(saved);
  const scheme = themeAttribute(theme);

  return (
    <html lang="fr" data-theme={scheme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={scheme ?? 'light dark'} />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Aller au contenu principal
        </a>
        <header className="site-header">
          <div className="site-header__inner">
            <Link to="/" className="brand" aria-label="Alforis CRM, tableau de bord">
              <img src={faviconHref} alt="" width="28" height="28" className="brand__logo" />
              <span className="brand__name">Alforis CRM</span>
            </Link>
            <nav aria-label="Navigation principale" className="main-nav">
              <ul>
                {SECTIONS.map((section) => (
                  <li key={section.path}>
                    <NavLink to={section.path} end={section.path === '/'} prefetch="intent">
                      {section.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <ThemeSwitch theme={saved} />
          </div>
        </header>
        <main id="main" tabIndex={-1} className="site-main">
          {children}
        </main>
        <footer className="site-footer">
          <p>Alforis CRM — la distribution de vos fonds, organisée.</p>
        </footer>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();

  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <ErrorPage
        status={404}
        title="Page introuvable"
        message="Cette page n’existe pas ou a été déplacée. Vérifiez l’adresse, ou repartez du tableau de bord."
      />
    );
  }
  if (isRouteErrorResponse(error) && error.status < 500) {
    return (
      <ErrorPage
        status={error.status}
        title="Requête impossible"
        message="Cette action n’a pas pu aboutir. Réessayez, ou repartez du tableau de bord."
      />
    );
  }
  // The details go to the server logs; users get no stack or internal message.
  return (
    <ErrorPage
      status={isRouteErrorResponse(error) ? error.status : 500}
      title="Une erreur est survenue"
      message="Nous n’avons pas pu afficher cette page. Réessayez dans un instant ; si le problème persiste, contactez votre administrateur."
    />
  );
}
