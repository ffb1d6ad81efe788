import { Link } from '@remix-run/react';
import type { InteractionType } from '~/lib/crm.constants';
import { formatDate, useLocale } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';

/** An interaction as the lists show it (interactionRows in crm-views.server.ts). */
export interface InteractionView {
  id: string;
  type: InteractionType;
  occurredAt: string;
  subject: string;
  body: string | null;
  organisation: { id: string; name: string } | null;
  participants: { id: string; name: string }[];
  ownerName: string | null;
}

const ICONS: Record<InteractionType, string> = {
  call: '☎',
  meeting: '◷',
  email: '✉',
  note: '✎',
  event: '★',
};

/** Interactions, newest first: type, date, subject, organisation, participants, notes. */
export function InteractionList({
  items,
  showOrganisation = true,
  label,
}: {
  items: InteractionView[];
  showOrganisation?: boolean;
  label: string;
}) {
  const t = useCrmT();
  const locale = useLocale();
  return (
    <ol className="interaction-list" aria-label={label}>
      {items.map((item) => (
        <li key={item.id} className="interaction" data-type={item.type}>
          <span className="interaction__icon" aria-hidden="true">
            {ICONS[item.type]}
          </span>
          <div className="interaction__body">
            <p className="interaction__head">
              <span className="interaction__type">{t(`interactionType.${item.type}`)}</span>
              <time dateTime={item.occurredAt}>{formatDate(locale, item.occurredAt, true)}</time>
              {item.ownerName ? <span>{t('interaction.by', { name: item.ownerName })}</span> : null}
            </p>
            <p className="interaction__subject">{item.subject}</p>
            {showOrganisation && item.organisation ? (
              <p className="interaction__meta">
                <Link to={`/organisations/${item.organisation.id}`}>{item.organisation.name}</Link>
              </p>
            ) : null}
            {item.participants.length > 0 ? (
              <p className="interaction__meta">
                {t('interaction.with', { names: '' })}
                {item.participants.map((person, index) => (
                  <span key={person.id}>
                    {index > 0 ? ', ' : null}
                    <Link to={`/personnes/${person.id}`}>{person.name}</Link>
                  </span>
                ))}
              </p>
            ) : null}
            {item.body ? <p className="interaction__text">{item.body}</p> : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
