import { Link, useLocation, useNavigate } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatDate, useLocale } from '~/lib/i18n';
import { useNotificationsT } from '~/lib/i18n-notifications';
import { useNotificationStream, type WireNotification } from '~/lib/notifications-client';
import '~/styles/notifications.css';

const TOAST_MS = 8_000;
const DROPDOWN_ITEMS = 8;

function BellIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
      <path
        d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16Zm4 4a2 2 0 0 0 4 0"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}

/** Internal links navigate in the app; API links (downloads) load directly. */
function useOpen() {
  const navigate = useNavigate();
  return useCallback(
    (link: string | null) => {
      if (!link) return;
      if (link.startsWith('/') && !link.startsWith('/api/')) navigate(link);
      else window.location.assign(link);
    },
    [navigate],
  );
}

/**
 * The header bell: a live unread badge, a dropdown of the latest notifications
 * with mark read / mark all read, toasts for high and urgent ones, and an
 * offline indicator while the socket reconnects.
 */
export function NotificationBell() {
  const t = useNotificationsT();
  const locale = useLocale();
  const open = useOpen();
  const location = useLocation();
  const [expanded, setExpanded] = useState(false);
  const [toasts, setToasts] = useState<WireNotification[]>([]);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  const dismiss = useCallback(
    (id: string) => setToasts((current) => current.filter((toast) => toast.id !== id)),
    [],
  );
  const onLive = useCallback(
    (items: WireNotification[]) => {
      const loud = items.filter((item) => item.priority === 'high' || item.priority === 'urgent');
      if (loud.length === 0) return;
      setToasts((current) => [...loud, ...current].slice(0, 3));
      for (const item of loud) {
        // Urgent ones stay until dismissed.
        if (item.priority !== 'urgent') setTimeout(() => dismiss(item.id), TOAST_MS);
      }
    },
    [dismiss],
  );
  const onLiveRef = useRef(onLive);
  onLiveRef.current = onLive;
  const { stream, snapshot } = useNotificationStream((items) => onLiveRef.current(items));

  // biome-ignore lint/correctness/useExhaustiveDependencies: closing is the point of a location change.
  useEffect(() => {
    setExpanded(false);
  }, [location.key]);

  useEffect(() => {
    if (!expanded) return;
    void stream?.refresh();
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setExpanded(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setExpanded(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [expanded, stream]);

  const unread = snapshot.unread;
  const offline = snapshot.status === 'offline';
  const label = unread > 0 ? t('notif.bellUnread', { count: unread }) : t('notif.bell');
  const items = snapshot.items.slice(0, DROPDOWN_ITEMS);

  return (
    <div className="notif-bell" ref={rootRef} data-status={snapshot.status}>
      <button
        ref={buttonRef}
        type="button"
        className="notif-bell__button"
        aria-label={label}
        aria-expanded={expanded}
        aria-controls="notif-panel"
        onClick={() => setExpanded((value) => !value)}
        data-testid="notification-bell"
      >
        <BellIcon />
        {unread > 0 ? (
          <span className="notif-bell__badge" data-testid="notification-badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
        {offline ? (
          <span className="notif-bell__offline" title={t('notif.offline')} data-testid="notification-offline">
            <span className="visually-hidden">{t('notif.offlineShort')}</span>
          </span>
        ) : null}
      </button>
      {expanded ? (
        <section id="notif-panel" className="notif-panel" aria-label={t('notif.title')}>
          <div className="notif-panel__head">
            <strong>{t('notif.title')}</strong>
            <button
              type="button"
              className="notif-link-button"
              disabled={unread === 0}
              onClick={() => void stream?.markRead('all')}
            >
              {t('notif.markAllRead')}
            </button>
          </div>
          {offline ? <p className="notif-panel__offline">{t('notif.offline')}</p> : null}
          {!snapshot.ready ? (
            <p className="notif-panel__empty">{t('notif.loading')}</p>
          ) : items.length === 0 ? (
            <p className="notif-panel__empty">{t('notif.empty')}</p>
          ) : (
            <ul className="notif-list notif-list--compact">
              {items.map((item) => (
                <li
                  key={item.id}
                  className="notif-item"
                  data-unread={item.readAt ? undefined : true}
                  data-priority={item.priority}
                >
                  <button
                    type="button"
                    className="notif-item__main"
                    onClick={() => {
                      if (!item.readAt) void stream?.markRead([item.id]);
                      open(item.link);
                    }}
                  >
                    <span className="notif-item__title">{item.title}</span>
                    <span className="notif-item__body">{item.body}</span>
                    <time className="notif-item__time" dateTime={item.createdAt}>
                      {formatDate(locale, item.createdAt, true)}
                    </time>
                  </button>
                  {item.readAt ? null : (
                    <button
                      type="button"
                      className="notif-item__read"
                      aria-label={`${t('notif.markRead')} : ${item.title}`}
                      title={t('notif.markRead')}
                      onClick={() => void stream?.markRead([item.id])}
                    >
                      <span aria-hidden="true" className="notif-item__dot" />
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          <Link to="/notifications" className="notif-panel__all">
            {t('notif.seeAll')}
          </Link>
        </section>
      ) : null}
      <div className="notif-toasts" aria-live="polite" aria-atomic="false">
        {toasts.map((toast) => (
          <div key={toast.id} className="notif-toast" data-priority={toast.priority} role="status">
            <div className="notif-toast__text">
              <strong>{toast.title}</strong>
              <span>{toast.body}</span>
            </div>
            <div className="notif-toast__actions">
              {toast.link ? (
                <button
                  type="button"
                  className="notif-link-button"
                  onClick={() => {
                    void stream?.markRead([toast.id]);
                    dismiss(toast.id);
                    open(toast.link);
                  }}
                >
                  {t('notif.open')}
                </button>
              ) : null}
              <button
                type="button"
                className="notif-toast__close"
                aria-label={t('notif.dismiss')}
                onClick={() => dismiss(toast.id)}
              >
                ×
              </button>
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
