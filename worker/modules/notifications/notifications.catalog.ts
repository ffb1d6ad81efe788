/**
 * The notification catalogue: every type, its default priority and lifetime,
 * and its fr/en templates. Pure data and pure functions (no server imports),
 * so the Remix client bundle can use the same names and labels.
 */

export const NOTIFICATION_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];

export const NOTIFICATION_TYPES = [
  'task_assigned',
  'task_due_soon',
  'task_overdue',
  'task_completed',
  'mandate_signed',
  'mandate_status_changed',
  'mandate_expiring',
  'mandate_review_due',
  'organisation_assigned',
  'organisation_stage_changed',
  'interaction_logged',
  'mention',
  'import_finished',
  'export_ready',
  'system_alert',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export type NotificationLocale = 'fr' | 'en';

interface TypeDefinition {
  priority: NotificationPriority;
  /** Days until the notification expires (never delivered nor listed after). */
  ttlDays: number;
  /** Templates with `{name}` placeholders filled from the notification's variables. */
  fr: { title: string; body: string };
  en: { title: string; body: string };
  label: { fr: string; en: string };
}

export const NOTIFICATION_CATALOG: Record<NotificationType, TypeDefinition> = {
  task_assigned: {
    priority: 'normal',
    ttlDays: 60,
    label: { fr: 'Tâche assignée', en: 'Task assigned' },
    fr: { title: 'Nouvelle tâche : {title}', body: '{actor} vous a assigné « {title} »{due}.' },
    en: { title: 'New task: {title}', body: '{actor} assigned you “{title}”{due}.' },
  },
  task_due_soon: {
    priority: 'normal',
    ttlDays: 3,
    label: { fr: 'Tâche bientôt due', en: 'Task due soon' },
    fr: { title: 'Échéance proche : {title}', body: 'La tâche « {title} » est due le {dueDate}.' },
    en: { title: 'Due soon: {title}', body: 'The task “{title}” is due on {dueDate}.' },
  },
  task_overdue: {
    priority: 'high',
    ttlDays: 14,
    label: { fr: 'Tâche en retard', en: 'Task overdue' },
    fr: { title: 'En retard : {title}', body: 'La tâche « {title} » était due le {dueDate}.' },
    en: { title: 'Overdue: {title}', body: 'The task “{title}” was due on {dueDate}.' },
  },
  task_completed: {
    priority: 'low',
    ttlDays: 30,
    label: { fr: 'Tâche terminée', en: 'Task completed' },
    fr: { title: 'Tâche terminée : {title}', body: '{actor} a terminé « {title} ».' },
    en: { title: 'Task completed: {title}', body: '{actor} completed “{title}”.' },
  },
  mandate_signed: {
    priority: 'high',
    ttlDays: 90,
    label: { fr: 'Mandat signé', en: 'Mandate signed' },
    fr: { title: 'Mandat signé : {number}', body: 'Le mandat {number} « {title} » a été signé par {actor}.' },
    en: { title: 'Mandate signed: {number}', body: 'Mandate {number} “{title}” was signed by {actor}.' },
  },
  mandate_status_changed: {
    priority: 'normal',
    ttlDays: 60,
    label: { fr: 'Statut de mandat', en: 'Mandate status' },
    fr: { title: 'Mandat {number} : {to}', body: '{actor} a passé le mandat « {title} » de {from} à {to}.' },
    en: { title: 'Mandate {number}: {to}', body: '{actor} moved mandate “{title}” from {from} to {to}.' },
  },
  mandate_expiring: {
    priority: 'high',
    ttlDays: 30,
    label: { fr: 'Mandat arrivant à échéance', en: 'Mandate expiring' },
    fr: { title: 'Échéance du mandat {number}', body: 'Le mandat « {title} » se termine le {endDate}.' },
    en: { title: 'Mandate {number} expiring', body: 'Mandate “{title}” ends on {endDate}.' },
  },
  mandate_review_due: {
    priority: 'normal',
    ttlDays: 30,
    label: { fr: 'Revue de mandat', en: 'Mandate review' },
    fr: {
      title: 'Revue du mandat {number}',
      body: 'La revue du mandat « {title} » est prévue le {reviewDate}.',
    },
    en: { title: 'Mandate {number} review', body: 'The review of mandate “{title}” is due on {reviewDate}.' },
  },
  organisation_assigned: {
    priority: 'normal',
    ttlDays: 60,
    label: { fr: 'Organisation attribuée', en: 'Organisation assigned' },
    fr: { title: 'Organisation attribuée : {name}', body: '{actor} vous a attribué {name}.' },
    en: { title: 'Organisation assigned: {name}', body: '{actor} made you the owner of {name}.' },
  },
  organisation_stage_changed: {
    priority: 'low',
    ttlDays: 30,
    label: { fr: 'Étape du pipeline', en: 'Pipeline stage' },
    fr: { title: '{name} change d’étape', body: '{actor} a déplacé {name} dans le pipeline.' },
    en: { title: '{name} moved stage', body: '{actor} moved {name} in the pipeline.' },
  },
  interaction_logged: {
    priority: 'low',
    ttlDays: 30,
    label: { fr: 'Interaction enregistrée', en: 'Interaction logged' },
    fr: {
      title: 'Nouvelle interaction : {subject}',
      body: '{actor} a enregistré « {subject} » sur {record}.',
    },
    en: { title: 'New interaction: {subject}', body: '{actor} logged “{subject}” on {record}.' },
  },
  mention: {
    priority: 'normal',
    ttlDays: 60,
    label: { fr: 'Mention', en: 'Mention' },
    fr: { title: '{actor} vous a mentionné', body: 'Dans « {subject} ».' },
    en: { title: '{actor} mentioned you', body: 'In “{subject}”.' },
  },
  import_finished: {
    priority: 'normal',
    ttlDays: 14,
    label: { fr: 'Import terminé', en: 'Import finished' },
    fr: {
      title: '{outcome}',
      body: '{created} créé(s), {updated} mis à jour, {rejected} rejeté(s).',
    },
    en: { title: '{outcome}', body: '{created} created, {updated} updated, {rejected} rejected.' },
  },
  export_ready: {
    priority: 'normal',
    ttlDays: 7,
    label: { fr: 'Export prêt', en: 'Export ready' },
    fr: { title: '{outcome}', body: '{fileName}' },
    en: { title: '{outcome}', body: '{fileName}' },
  },
  system_alert: {
    priority: 'urgent',
    ttlDays: 14,
    label: { fr: 'Alerte système', en: 'System alert' },
    fr: { title: '{subject}', body: '{detail}' },
    en: { title: '{subject}', body: '{detail}' },
  },
};

export const PRIORITY_LABELS: Record<NotificationPriority, { fr: string; en: string }> = {
  low: { fr: 'Basse', en: 'Low' },
  normal: { fr: 'Normale', en: 'Normal' },
  high: { fr: 'Haute', en: 'High' },
  urgent: { fr: 'Urgente', en: 'Urgent' },
};

/** Variables a template may use; a value may differ per locale. */
export type TemplateVars = Record<string, string | number | { fr: string; en: string } | null | undefined>;

export function localeOf(value: string | null | undefined): NotificationLocale {
  return value === 'en' ? 'en' : 'fr';
}

/** Fills `{name}` placeholders; an unknown or empty variable renders as nothing. */
export function renderTemplate(
  type: NotificationType,
  locale: NotificationLocale,
  vars: TemplateVars,
): { title: string; body: string } {
  const template = NOTIFICATION_CATALOG[type][locale];
  const fill = (text: string) =>
    text
      .replace(/\{(\w+)\}/g, (_match, name: string) => {
        const value = vars[name];
        if (value === null || value === undefined) return '';
        return typeof value === 'object' ? value[locale] : String(value);
      })
      .trim();
  return { title: fill(template.title).slice(0, 300), body: fill(template.body).slice(0, 2000) };
}
