import { formatDate, useLocale } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';

/** One event of a record's history, as timelineView (crm-views.server.ts) prepares it. */
export interface TimelineItemView {
  id: string;
  action: string;
  kind: string;
  actorName: string | null;
  occurredAt: string;
  changes: { field: string; label: string; before: string; after: string; wasBlank: boolean }[];
}

/** A record's history, newest first: who did what, and each changed field's before and after. */
export function Timeline({ items }: { items: TimelineItemView[] }) {
  const t = useCrmT();
  const locale = useLocale();
  if (items.length === 0) return <p className="muted">{t('history.empty')}</p>;
  return (
    <ol className="timeline">
      {items.map((item) => (
        <li key={item.id} className="timeline__item" data-kind={item.kind}>
          <div className="timeline__head">
            <span className="timeline__action">{item.action}</span>
            <span className="timeline__meta">
              {t('history.by', { name: item.actorName ?? t('history.system') })} ·{' '}
              <time dateTime={item.occurredAt}>{formatDate(locale, item.occurredAt, true)}</time>
            </span>
          </div>
          {item.changes.length > 0 ? (
            <div className="table-wrap timeline__changes">
              <table className="table table--compact">
                <caption className="visually-hidden">{t('history.changes', { action: item.action })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('history.field')}</th>
                    {item.kind === 'created' ? null : <th scope="col">{t('history.before')}</th>}
                    <th scope="col">{t('history.after')}</th>
                  </tr>
                </thead>
                <tbody>
                  {item.changes.map((change) => (
                    <tr key={change.field}>
                      <th scope="row">{change.label}</th>
                      {item.kind === 'created' ? null : (
                        <td className="timeline__before">
                          {change.wasBlank ? (
                            <span className="muted">{change.before}</span>
                          ) : (
                            <del>{change.before}</del>
                          )}
                        </td>
                      )}
                      <td className="timeline__after">{change.after}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
