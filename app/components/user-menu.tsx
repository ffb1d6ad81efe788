import { Form, Link, useLocation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { useT } from '~/lib/i18n';
import { useSubmitting } from './buttons';

export interface HeaderUser {
  name: string;
  role: string;
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return `${parts[0]?.[0] ?? ''}${parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : ''}`.toUpperCase();
}

/**
 * The signed-in user's menu: a `<details>` disclosure, so it opens by mouse,
 * keyboard or touch even before JavaScript; once hydrated it also closes on
 * Escape, on a click elsewhere and after navigating.
 */
export function UserMenu({ user }: { user: HeaderUser }) {
  const t = useT();
  const ref = useRef<HTMLDetailsElement>(null);
  const location = useLocation();
  const signingOut = useSubmitting('logout');

  // biome-ignore lint/correctness/useExhaustiveDependencies: closing is the point of a location change.
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [location.key]);

  useEffect(() => {
    const details = ref.current;
    if (!details) return;
    const onPointer = (event: PointerEvent) => {
      if (details.open && !details.contains(event.target as Node)) details.open = false;
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && details.open) {
        details.open = false;
        details.querySelector('summary')?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    details.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      details.removeEventListener('keydown', onKey);
    };
  }, []);

  return (
    <details className="user-menu" ref={ref}>
      <summary className="user-menu__summary" aria-label={t('header.userMenu', { name: user.name })}>
        <span className="user-menu__avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span className="user-menu__who">
          <span className="user-menu__name">{user.name}</span>
          <span className="user-menu__role">{user.role}</span>
        </span>
        <svg className="user-menu__chevron" aria-hidden="true" viewBox="0 0 24 24" width="16" height="16">
          <path d="m6 9 6 6 6-6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </summary>
      <div className="user-menu__panel">
        <p className="user-menu__identity">
          <strong>{user.name}</strong>
          <span>{user.role}</span>
        </p>
        <ul>
          <li>
            <Link to="/profile" className="user-menu__link">
              {t('header.profile')}
            </Link>
          </li>
          <li>
            <Link to="/profile/tokens" className="user-menu__link">
              {t('header.tokens')}
            </Link>
          </li>
        </ul>
        <Form method="post" action="/logout" className="user-menu__logout">
          <button type="submit" name="intent" value="logout" aria-disabled={signingOut || undefined}>
            {signingOut ? t('header.signingOut') : t('header.signOut')}
          </button>
        </Form>
      </div>
    </details>
  );
}
