import { NavLink } from '@remix-run/react';
import type { ReactNode } from 'react';

/**
 * The sections of a record page as links (each tab has its own address, so it
 * can be shared and works without JavaScript). Switching tabs keeps the
 * scroll position: the record's header stays in view.
 */
export function RecordTabs({
  label,
  items,
}: {
  label: string;
  items: { to: string; label: string; end?: boolean }[];
}) {
  return (
    <nav aria-label={label} className="sub-nav record-tabs">
      <ul>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink
              to={item.to}
              end={item.end ?? true}
              prefetch="intent"
              preventScrollReset
              className="sub-nav__link"
            >
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Label / value pairs; empty values are shown as a dash. */
export function DetailList({ items }: { items: { label: string; value: ReactNode }[] }) {
  return (
    <dl className="detail-list">
      {items.map((item) => (
        <div key={item.label} className="detail-list__item">
          <dt>{item.label}</dt>
          <dd>{item.value === null || item.value === undefined || item.value === '' ? '—' : item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A section inside a record tab: title, optional actions on the right, content. */
export function Section({
  id,
  title,
  actions,
  children,
}: {
  id: string;
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="panel record-section" aria-labelledby={id}>
      <div className="panel__bar">
        <h2 id={id} className="panel__title">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
