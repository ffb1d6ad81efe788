import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useRevalidator,
  useSubmit,
} from '@remix-run/react';
import { useEffect } from 'react';
import { ConfirmButton, SubmitButton, useSubmitting } from '~/components/buttons';
import { EmptyState, Pagination } from '~/components/crm/list';
import { Notice, SelectField } from '~/components/form';
import { PageHeader, Panel } from '~/components/page';
import { localeOf, requireActorDeps } from '~/lib/auth.server';
import { enumParam, param } from '~/lib/crm-list';
import { formatDate, useLocale } from '~/lib/i18n';
import {
  notificationTranslator,
  priorityLabel,
  typeLabel,
  useNotificationsT,
} from '~/lib/i18n-notifications';
import { NOTIFICATIONS_CHANGED_EVENT } from '~/lib/notifications-client';
import {
  NOTIFICATION_PRIORITIES,
  NOTIFICATION_TYPES,
} from '../../worker/modules/notifications/notifications.catalog';
import { hubPublisher } from '../../worker/modules/notifications/notifications.hub';
import {
  archive,
  getPreferences,
  listNotifications,
  markRead,
  updatePreferences,
} from '../../worker/modules/notifications/notifications.service';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Notifications' }];

const STATUSES = ['all', 'unread', 'read'] as const;
const PAGE_SIZE = 30;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const params = new URL(request.url).searchParams;
  const filters = {
    status: enumParam(params, 'status', STATUSES) ?? 'all',
    archived: params.get('archived') === 'true',
    type: enumParam(params, 'type', NOTIFICATION_TYPES),
    priority: enumParam(params, 'priority', NOTIFICATION_PRIORITIES),
  };
  const page = await listNotifications(deps.db, deps.actor.userId, {
    status: filters.status,
    archived: filters.archived,
    type: filters.type ? [filters.type] : undefined,
    priority: filters.priority ? [filters.priority] : undefined,
    limit: PAGE_SIZE,
    cursor: param(params, 'cursor', 500),
  });
  return {
    title: `${notificationTranslator(localeOf(context))('notif.title')} · Alforis`,
    filters,
    items: page.data,
    nextCursor: page.nextCursor,
    preferences: await getPreferences(deps.db, deps.actor.userId),
  };
}

const uuid = /^[0-9a-f-]{36}$/i;

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const hubs = hubPublisher(context.cloudflare.env, deps.log);
  const userId = deps.actor.userId;
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const id = String(form.get('id') ?? '');
  if (intent === 'read' && uuid.test(id)) await markRead(deps.db, hubs, userId, [id]);
  else if (intent === 'readAll') {
    await markRead(deps.db, hubs, userId, 'all');
    return { done: 'allRead' as const };
  } else if (intent === 'archive' && uuid.test(id)) {
    await archive(deps.db, hubs, userId, [id]);
    return { done: 'archived' as const };
  } else if (intent === 'preferences') {
    await updatePreferences(
      deps.db,
      userId,
      NOTIFICATION_TYPES.map((type) => ({
        type,
        inApp: form.get(`inApp.${type}`) === 'on',
        email: form.get(`email.${type}`) === 'on',
      })),
    );
    return { done: 'preferences' as const };
  } else if (intent !== 'read') throw redirect('/notifications');
  return { done: 'read' as const };
}

/** The notification centre: everything received, filters, read/archive, and per-type preferences. */
export default function Notifications() {
  const { filters, items, nextCursor, preferences } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useNotificationsT();
  const locale = useLocale();
  const submit = useSubmit();
  const revalidator = useRevalidator();
  const { search } = useLocation();
  const savingPreferences = useSubmitting('preferences');
  const autoSubmit = (event: { currentTarget: HTMLSelectElement }) =>
    submit(event.currentTarget.form, { preventScrollReset: true });

  // Live: what the bell's socket receives (new, read elsewhere, archived) refreshes this list.
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    const onChange = () => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        if (revalidator.state === 'idle') revalidator.revalidate();
      }, 300);
    };
    window.addEventListener(NOTIFICATIONS_CHANGED_EVENT, onChange);
    return () => {
      window.removeEventListener(NOTIFICATIONS_CHANGED_EVENT, onChange);
      if (pending) clearTimeout(pending);
    };
  }, [revalidator]);

  const filtered = filters.status !== 'all' || filters.archived || filters.type || filters.priority;

  return (
    <div className="page notif-page">
      <div className="page-bar">
        <PageHeader title={t('notif.title')} />
        <Form method="post">
          <ConfirmButton
            label={t('notif.markAllRead')}
            title={t('notif.markAllRead')}
            message={t('notif.confirmAllRead')}
            confirmLabel={t('notif.markAllRead')}
            name="intent"
            value="readAll"
            variant="secondary"
          />
        </Form>
      </div>
      {result?.done === 'allRead' ? <Notice>{t('notif.allRead')}</Notice> : null}
      {result?.done === 'archived' ? <Notice>{t('notif.archivedDone')}</Notice> : null}
      {result?.done === 'preferences' ? <Notice>{t('notif.preferences.saved')}</Notice> : null}

      <Form
        method="get"
        className="filters notif-page__filters"
        role="search"
        aria-label={t('notif.filters')}
      >
        <SelectField
          label={t('notif.status')}
          name="status"
          defaultValue={filters.status}
          onChange={autoSubmit}
        >
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`notif.status.${status}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('notif.type')}
          name="type"
          defaultValue={filters.type ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{t('notif.any')}</option>
          {NOTIFICATION_TYPES.map((type) => (
            <option key={type} value={type}>
              {typeLabel(locale, type)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('notif.priority')}
          name="priority"
          defaultValue={filters.priority ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{t('notif.any')}</option>
          {NOTIFICATION_PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {priorityLabel(locale, priority)}
            </option>
          ))}
        </SelectField>
        <label className="checkbox">
          <input
            type="checkbox"
            name="archived"
            value="true"
            defaultChecked={filters.archived}
            onChange={(event) => submit(event.currentTarget.form, { preventScrollReset: true })}
          />
          {t('notif.archived')}
        </label>
        <div className="filters__actions">
          <button type="submit" className="button button--secondary">
            {t('notif.apply')}
          </button>
          {filtered ? (
            <Link to="/notifications" className="button button--ghost" aria-label={t('notif.clearFilters')}>
              ×
            </Link>
          ) : null}
        </div>
      </Form>

      {items.length === 0 ? (
        <EmptyState message={t(filtered || search ? 'notif.emptyFiltered' : 'notif.empty')} />
      ) : (
        <ul className="notif-list notif-page__list" data-testid="notification-list">
          {items.map((item) => (
            <li
              key={item.id}
              className="notif-item"
              data-unread={item.readAt ? undefined : true}
              data-priority={item.priority}
            >
              <div className="notif-item__main">
                <span className="notif-item__title">
                  {item.link && !item.link.startsWith('/api/') ? (
                    <Link to={item.link}>{item.title}</Link>
                  ) : (
                    item.title
                  )}
                </span>
                <span className="notif-item__body">{item.body}</span>
                <span className="notif-item__time">
                  {typeLabel(locale, item.type)} · {priorityLabel(locale, item.priority)} ·{' '}
                  <time dateTime={item.createdAt}>{formatDate(locale, item.createdAt, true)}</time>
                </span>
              </div>
              <div className="notif-page__actions">
                {item.readAt ? null : (
                  <Form method="post" preventScrollReset>
                    <input type="hidden" name="id" value={item.id} />
                    <button type="submit" name="intent" value="read" className="button button--ghost">
                      {t('notif.markRead')}
                    </button>
                  </Form>
                )}
                {item.archivedAt ? null : (
                  <Form method="post" preventScrollReset>
                    <input type="hidden" name="id" value={item.id} />
                    <button type="submit" name="intent" value="archive" className="button button--ghost">
                      {t('notif.archive')}
                    </button>
                  </Form>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <Pagination nextCursor={nextCursor} />

      <Panel id="notif-preferences" title={t('notif.preferences')} lead={t('notif.preferences.hint')}>
        <Form method="post" className="notif-prefs" preventScrollReset>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('notif.type')}</th>
                <th scope="col">{t('notif.preferences.inApp')}</th>
                <th scope="col">{t('notif.preferences.email')}</th>
              </tr>
            </thead>
            <tbody>
              {preferences.map((preference) => (
                <tr key={preference.type}>
                  <th scope="row">{typeLabel(locale, preference.type)}</th>
                  <td>
                    <input
                      type="checkbox"
                      name={`inApp.${preference.type}`}
                      defaultChecked={preference.inApp}
                      aria-label={`${typeLabel(locale, preference.type)} — ${t('notif.preferences.inApp')}`}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      name={`email.${preference.type}`}
                      defaultChecked={preference.email}
                      aria-label={`${typeLabel(locale, preference.type)} — ${t('notif.preferences.email')}`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <SubmitButton name="intent" value="preferences" pending={savingPreferences}>
            {t('notif.preferences.save')}
          </SubmitButton>
        </Form>
      </Panel>
    </div>
  );
}
