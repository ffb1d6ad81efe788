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
  useLocation,
  useNavigation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import faviconHref from '~/assets/favicon.svg?url';
import { ErrorPage } from '~/components/error-page';
import { NotificationBell } from '~/components/notification-bell';
import { CommandBar } from '~/components/search/command-bar';
import { ThemeSwitch, useOptimisticTheme } from '~/components/theme-switch';
import { UserMenu } from '~/components/user-menu';
import { canAdminister, localeOf } from '~/lib/auth.server';
import { LocaleProvider, translator, useT } from '~/lib/i18n';
import { localeFromMatches } from '~/lib/meta';
import { SECTIONS } from '~/lib/navigation';
import { isTheme, themeAttribute } from '~/lib/theme';
import { readThemeCookie } from '~/lib/theme.server';
import appStylesHref from '~/styles/app.css?url';
import crmStylesHref from '~/styles/crm.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: appStylesHref },
  { rel: 'stylesheet', href: crmStylesHref },
  { rel: 'icon', href: faviconHref, type: 'image/svg+xml' },
];

/** Fallback title; routes set their own, and this one names error pages. */
export const meta: MetaFunction = ({ error, matches }) => {
  const t = translator(localeFromMatches(matches));
  if (!error) return [{ title: t('app.name') }];
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title =
    status === 404
      ? t('error.notFound.title')
      : status === 403
        ? t('error.forbidden.title')
        : t('error.title');
  return [{ title: `${title} · ${t('app.name')}` }];
};

/**
 * The shell's data: the theme (this device's cookie, else the account's
 * preference), the language, and who is signed in.
 */
export function loader({ request, context }: LoaderFunctionArgs) {
  const actor = context.app.actor;
  const locale = localeOf(context);
  const t = translator(locale);
  const accountTheme = isTheme(actor?.theme) ? actor.theme : 'system';
  return {
    theme: readThemeCookie(request) ?? accountTheme,
    locale,
    user: actor
      ? {
          name: actor.name,
          role: t(`role.${actor.roleId}`),
          canAdminister: canAdminister(actor),
        }
      : null,
  };
}

/** A thin bar at the top while a navigation is in flight (buttons announce their own progress). */
function ProgressBar() {
  const navigation = useNavigation();
  return (
    <div className="progress" data-active={navigation.state !== 'idle' || undefined} aria-hidden="true" />
  );
}

/**
 * The document and app shell, shared by pages and error boundaries. The theme
 * comes from the cookie on the server, so the first paint is already right.
 */
export function Layout({ children }: { children: ReactNode }) {
  // Undefined when the root loader itself failed; fall back to defaults.
  const data = useRouteLoaderData<typeof loader>('root');
  const saved = data?.theme ?? 'system';
  const theme = useOptimisticTheme(saved);
  const scheme = themeAttribute(theme);
  const locale = data?.locale ?? 'fr';
  const user = data?.user ?? null;
  const t = translator(locale);
  const { pathname } = useLocation();

  return (
    <html lang={locale} data-theme={scheme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={scheme ?? 'light dark'} />
        {/* The server sends Referrer-Policy: no-referrer, with which browsers send
            `Origin: null` on plain (no-JS) form posts, and the same-origin check
            refuses them. same-origin keeps referrers from other sites and lets our
            own forms say where they come from. */}
        <meta name="referrer" content="same-origin" />
        <Meta />
        <Links />
      </head>
      <body>
        <LocaleProvider locale={locale}>
          <a href="#main" className="skip-link">
            {t('app.skip')}
          </a>
          <ProgressBar />
          <header className="site-header">
            <div className="site-header__inner">
              <Link to="/" className="brand" aria-label={t('app.home')}>
                <img src={faviconHref} alt="" width="28" height="28" className="brand__logo" />
                <span className="brand__name">{t('app.name')}</span>
              </Link>
              {user ? (
                <nav aria-label={t('nav.main')} className="main-nav">
                  <ul>
                    {SECTIONS.map((section) => (
                      <li key={section.path}>
                        <NavLink to={section.path} end={section.path === '/'} prefetch="intent">
                          {t(section.label)}
                        </NavLink>
                      </li>
                    ))}
                  </ul>
                </nav>
              ) : null}
              <div className="site-header__tools">
                {user?.canAdminister ? (
                  <NavLink to="/settings" className="header-link" prefetch="intent">
                    <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16">
                      <path
                        d="M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6l-8-3Z"
                        fill="none"
                        stroke="currentColor"
                        strokeWidth="2"
                        strokeLinejoin="round"
                      />
                    </svg>
                    <span className="header-link__label">{t('header.admin')}</span>
                  </NavLink>
                ) : null}
                {user ? <CommandBar /> : null}
                {user ? <NotificationBell /> : null}
                <ThemeSwitch theme={saved} />
                {user ? <UserMenu user={user} /> : null}
                {!user && pathname !== '/login' ? (
                  <Link to="/login" className="header-link header-link--strong">
                    {t('header.signIn')}
                  </Link>
                ) : null}
              </div>
            </div>
          </header>
          <main id="main" tabIndex={-1} className="site-main">
            {children}
          </main>
          <footer className="site-footer">
            <p>{t('app.tagline')}</p>
          </footer>
        </LocaleProvider>
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
  const t = useT();

  if (isRouteErrorResponse(error) && error.status === 404) {
    return <ErrorPage status={404} title={t('error.notFound.title')} message={t('error.notFound.message')} />;
  }
  if (isRouteErrorResponse(error) && error.status === 403) {
    return (
      <ErrorPage status={403} title={t('error.forbidden.title')} message={t('error.forbidden.message')} />
    );
  }
  if (isRouteErrorResponse(error) && error.status < 500) {
    return (
      <ErrorPage status={error.status} title={t('error.client.title')} message={t('error.client.message')} />
    );
  }
  // The details go to the server logs; users get no stack or internal message.
  return (
    <ErrorPage
      status={isRouteErrorResponse(error) ? error.status : 500}
      title={t('error.server.title')}
      message={t('error.server.message')}
    />
  );
}
