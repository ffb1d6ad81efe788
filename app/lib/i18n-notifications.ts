import {
  NOTIFICATION_CATALOG,
  type NotificationPriority,
  type NotificationType,
  PRIORITY_LABELS,
} from '../../worker/modules/notifications/notifications.catalog';
import { type Locale, useLocale, type Vars } from './i18n';

/** Strings of the notification centre (bell, toasts, page); same shape as i18n-crm.ts. */
const fr = {
  'notif.title': 'Notifications',
  'notif.bell': 'Notifications',
  'notif.bellUnread': 'Notifications, {count} non lue(s)',
  'notif.markRead': 'Marquer comme lue',
  'notif.markAllRead': 'Tout marquer comme lu',
  'notif.archive': 'Archiver',
  'notif.seeAll': 'Voir toutes les notifications',
  'notif.empty': 'Aucune notification pour le moment.',
  'notif.emptyFiltered': 'Aucune notification ne correspond à ces filtres.',
  'notif.offline': 'Hors ligne — reconnexion…',
  'notif.offlineShort': 'Hors ligne',
  'notif.loading': 'Chargement…',
  'notif.unread': 'Non lue',
  'notif.dismiss': 'Fermer',
  'notif.open': 'Ouvrir',
  'notif.filters': 'Filtres',
  'notif.status': 'État',
  'notif.status.all': 'Toutes',
  'notif.status.unread': 'Non lues',
  'notif.status.read': 'Lues',
  'notif.archived': 'Archivées',
  'notif.type': 'Type',
  'notif.priority': 'Priorité',
  'notif.any': 'Tous',
  'notif.apply': 'Filtrer',
  'notif.clearFilters': 'Effacer les filtres',
  'notif.more': 'Plus anciennes',
  'notif.preferences': 'Préférences',
  'notif.preferences.hint':
    'Choisissez ce que vous recevez. L’e-mail ne concerne que les notifications urgentes.',
  'notif.preferences.inApp': 'Dans l’application',
  'notif.preferences.email': 'E-mail (urgent)',
  'notif.preferences.save': 'Enregistrer les préférences',
  'notif.preferences.saved': 'Préférences enregistrées.',
  'notif.allRead': 'Toutes les notifications sont lues.',
  'notif.archivedDone': 'Notification archivée.',
  'notif.confirmAllRead': 'Marquer toutes vos notifications comme lues ?',
};

type NotificationMessageKey = keyof typeof fr;

const en: Record<NotificationMessageKey, string> = {
  'notif.title': 'Notifications',
  'notif.bell': 'Notifications',
  'notif.bellUnread': 'Notifications, {count} unread',
  'notif.markRead': 'Mark as read',
  'notif.markAllRead': 'Mark all as read',
  'notif.archive': 'Archive',
  'notif.seeAll': 'See all notifications',
  'notif.empty': 'No notifications yet.',
  'notif.emptyFiltered': 'No notification matches these filters.',
  'notif.offline': 'Offline — reconnecting…',
  'notif.offlineShort': 'Offline',
  'notif.loading': 'Loading…',
  'notif.unread': 'Unread',
  'notif.dismiss': 'Dismiss',
  'notif.open': 'Open',
  'notif.filters': 'Filters',
  'notif.status': 'Status',
  'notif.status.all': 'All',
  'notif.status.unread': 'Unread',
  'notif.status.read': 'Read',
  'notif.archived': 'Archived',
  'notif.type': 'Type',
  'notif.priority': 'Priority',
  'notif.any': 'Any',
  'notif.apply': 'Filter',
  'notif.clearFilters': 'Clear filters',
  'notif.more': 'Older',
  'notif.preferences': 'Preferences',
  'notif.preferences.hint': 'Choose what you receive. Email applies to urgent notifications only.',
  'notif.preferences.inApp': 'In the app',
  'notif.preferences.email': 'Email (urgent)',
  'notif.preferences.save': 'Save preferences',
  'notif.preferences.saved': 'Preferences saved.',
  'notif.allRead': 'All notifications are read.',
  'notif.archivedDone': 'Notification archived.',
  'notif.confirmAllRead': 'Mark all your notifications as read?',
};

const DICTIONARIES: Record<Locale, Record<NotificationMessageKey, string>> = { fr, en };

export type NotificationTranslate = (key: NotificationMessageKey, vars?: Vars) => string;

export function notificationTranslator(locale: Locale): NotificationTranslate {
  const dictionary = DICTIONARIES[locale];
  return (key, vars) => {
    const message = dictionary[key] ?? fr[key] ?? key;
    if (!vars) return message;
    return message.replace(/\{(\w+)\}/g, (match, name: string) =>
      vars[name] === undefined ? match : String(vars[name]),
    );
  };
}

export function useNotificationsT(): NotificationTranslate {
  return notificationTranslator(useLocale());
}

export function typeLabel(locale: Locale, type: NotificationType): string {
  return NOTIFICATION_CATALOG[type].label[locale];
}

export function priorityLabel(locale: Locale, priority: NotificationPriority): string {
  return PRIORITY_LABELS[priority][locale];
}
