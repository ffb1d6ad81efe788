import { NavLink } from '@remix-run/react';
import type { ReactNode } from 'react';

/** The title block of a page: eyebrow, h1, lead. */
export function PageHeader({ eyebrow, title, lead }: { eyebrow?: string; title: string; lead?: string }) {
  return (
    <header className="page-header page-header--compact">
      {eyebrow ? <p className="eyebrow">{eyebrow}</p> : null}
      <h1>{title}</h1>
      {lead ? <p className="lead">{lead}</p> : null}
    </header>
  );
}

/** Tabs between the pages of an area (Profil / Jetons, Users / Teams / Roles). */
export function SubNav({ label, items }: { label: string; items: { to: string; label: string }[] }) {
  return (
    <nav aria-label={label} className="sub-nav">
      <ul>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} end prefetch="intent" className="sub-nav__link">
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A titled panel of a page. */
export function Panel({
  title,
  lead,
  id,
  children,
}: {
  title: string;
  lead?: string;
  id: string;
  children: ReactNode;
}) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id} className="panel__title">
        {title}
      </h2>
      {lead ? <p className="panel__lead">{lead}</p> : null}
      {children}
    </section>
  );
}
