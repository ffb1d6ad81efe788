import { useFetcher, useLocation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useT } from '~/lib/i18n';
import { isTheme, THEME_FETCHER_KEY, THEMES, type Theme } from '~/lib/theme';
import { useHydrated } from '~/lib/use-hydrated';

const ICONS: Record<Theme, ReactNode> = {
  light: (
    <>
      <circle cx="12" cy="12" r="4" />
      <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
    </>
  ),
  dark: <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5Z" />,
  system: (
    <>
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </>
  ),
};

/** The theme being applied: an in-flight choice wins over the saved one. */
export function useOptimisticTheme(saved: Theme): Theme {
  const fetcher = useFetcher({ key: THEME_FETCHER_KEY });
  const pending = fetcher.formData?.get('theme');
  return isTheme(pending) ? pending : saved;
}

/**
 * Light / dark / system choice. A plain POST form to /resources/theme, so it
 * works before JavaScript loads (the server redirects back to `redirectTo`);
 * once hydrated, Remix submits it as a fetcher: no navigation, no redirect.
 */
export function ThemeSwitch({ theme }: { theme: Theme }) {
  const fetcher = useFetcher({ key: THEME_FETCHER_KEY });
  const location = useLocation();
  const hydrated = useHydrated();
  const current = useOptimisticTheme(theme);
  const t = useT();

  return (
    <fetcher.Form method="post" action="/resources/theme" className="theme-switch">
      {hydrated ? null : (
        <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      )}
      <fieldset className="theme-switch__group">
        <legend className="visually-hidden">{t('theme.legend')}</legend>
        {THEMES.map((value) => {
          const name = t('theme.button', { name: t(`theme.${value}`).toLowerCase() });
          return (
            <button
              key={value}
              type="submit"
              name="theme"
              value={value}
              className="theme-switch__option"
              aria-pressed={current === value}
              aria-label={name}
              title={name}
            >
              <svg
                aria-hidden="true"
                focusable="false"
                viewBox="0 0 24 24"
                width="18"
                height="18"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                {ICONS[value]}
              </svg>
              <span className="theme-switch__label">{t(`theme.${value}`)}</span>
            </button>
          );
        })}
      </fieldset>
    </fetcher.Form>
  );
}
