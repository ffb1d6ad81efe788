import type { DomainEventMessage } from '../../queues/messages';
import type { NotificationPriority, NotificationType, TemplateVars } from './notifications.catalog';

/**
 * Who receives what, in one place. Each domain event type maps to rules; a rule
 * names its audience symbolically and the engine (notifications.service.ts)
 * resolves it against the database. Time-based notifications use the same
 * table: the cron scan produces synthetic events (`task.due_soon`, …).
 *
 * Audiences:
 *  - assignee: the task's assignee (payload.assigneeId)
 *  - owner: the record's owner (event.ownerId)
 *  - teamManager: the manager of the record's team (event.teamId)
 *  - admins: every active admin
 *  - recordOwners: owners of the organisation and mandate an interaction is logged on
 *  - mentioned: active users whose `@email` appears in the interaction's text
 *  - requester: who asked for the work (export, import): event.ownerId
 */
export type Audience =
  | 'assignee'
  | 'owner'
  | 'teamManager'
  | 'admins'
  | 'recordOwners'
  | 'mentioned'
  | 'requester';

/** Lookups a rule's variables may need, resolved by the engine before rendering. */
export interface RuleContext {
  actorName: { fr: string; en: string };
  /** Name of a stage, organisation or mandate the event refers to, when looked up. */
  names: Record<string, string>;
}

export interface NotificationRule {
  type: NotificationType;
  audience: Audience[];
  /** Actions you take yourself do not notify you; results of your own requests do. */
  notifyActor?: boolean;
  when?(event: DomainEventMessage): boolean;
  priority?(event: DomainEventMessage): NotificationPriority;
  vars(event: DomainEventMessage, ctx: RuleContext): TemplateVars;
  link?(event: DomainEventMessage): string | null;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
const both = (fr: string, en: string) => ({ fr, en });

const MANDATE_STATUS_LABELS: Record<string, { fr: string; en: string }> = {
  draft: both('brouillon', 'draft'),
  proposed: both('proposé', 'proposed'),
  signed: both('signé', 'signed'),
  active: both('actif', 'active'),
  terminated: both('résilié', 'terminated'),
  expired: both('expiré', 'expired'),
};
const statusLabel = (value: unknown) => MANDATE_STATUS_LABELS[text(value)] ?? both(text(value), text(value));

const formatDate = (value: unknown) => {
  const iso = text(value);
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return match ? both(`${match[3]}/${match[2]}/${match[1]}`, `${match[1]}-${match[2]}-${match[3]}`) : '';
};

const taskLink = () => '/taches';
const mandateLink = (event: DomainEventMessage) => `/mandats/${event.entityId}`;
const organisationLink = (event: DomainEventMessage) => `/organisations/${event.entityId}`;

const TASK_PRIORITY_BOOST: Record<string, NotificationPriority> = { high: 'high', urgent: 'urgent' };

export const RULES: Record<string, NotificationRule[]> = {
  'task.assigned': [
    {
      type: 'task_assigned',
      audience: ['assignee'],
      priority: (event) => TASK_PRIORITY_BOOST[text(event.payload.priority)] ?? 'normal',
      vars: (event, ctx) => {
        const due = formatDate(event.payload.dueDate);
        return {
          title: text(event.payload.title),
          actor: ctx.actorName,
          due: due ? both(` (échéance ${due.fr})`, ` (due ${due.en})`) : '',
        };
      },
      link: taskLink,
    },
  ],
  'task.completed': [
    {
      type: 'task_completed',
      audience: ['owner', 'assignee'],
      vars: (event, ctx) => ({ title: text(event.payload.title), actor: ctx.actorName }),
      link: taskLink,
    },
  ],
  'task.due_soon': [
    {
      type: 'task_due_soon',
      audience: ['assignee'],
      notifyActor: true,
      priority: (event) => TASK_PRIORITY_BOOST[text(event.payload.priority)] ?? 'normal',
      vars: (event) => ({ title: text(event.payload.title), dueDate: formatDate(event.payload.dueDate) }),
      link: taskLink,
    },
  ],
  'task.overdue': [
    {
      type: 'task_overdue',
      audience: ['assignee'],
      notifyActor: true,
      priority: (event) => (text(event.payload.priority) === 'urgent' ? 'urgent' : 'high'),
      vars: (event) => ({ title: text(event.payload.title), dueDate: formatDate(event.payload.dueDate) }),
      link: taskLink,
    },
  ],
  'mandate.signed': [
    {
      type: 'mandate_signed',
      audience: ['owner', 'teamManager'],
      vars: (event, ctx) => ({
        number: text(event.payload.number),
        title: text(event.payload.title),
        actor: ctx.actorName,
      }),
      link: mandateLink,
    },
  ],
  'mandate.status_changed': [
    {
      type: 'mandate_status_changed',
      audience: ['owner'],
      // A signature has its own, more important notification.
      when: (event) => text(event.payload.to) !== 'signed',
      vars: (event, ctx) => ({
        number: text(event.payload.number),
        title: text(event.payload.title),
        from: statusLabel(event.payload.from),
        to: statusLabel(event.payload.to),
        actor: ctx.actorName,
      }),
      link: mandateLink,
    },
  ],
  'mandate.expiring': [
    {
      type: 'mandate_expiring',
      audience: ['owner', 'teamManager'],
      notifyActor: true,
      vars: (event) => ({
        number: text(event.payload.number),
        title: text(event.payload.title),
        endDate: formatDate(event.payload.endDate),
      }),
      link: mandateLink,
    },
  ],
  'mandate.review_due': [
    {
      type: 'mandate_review_due',
      audience: ['owner'],
      notifyActor: true,
      vars: (event) => ({
        number: text(event.payload.number),
        title: text(event.payload.title),
        reviewDate: formatDate(event.payload.nextReviewAt),
      }),
      link: mandateLink,
    },
  ],
  'organisation.assigned': [
    {
      type: 'organisation_assigned',
      audience: ['owner'],
      vars: (event, ctx) => ({ name: text(event.payload.name), actor: ctx.actorName }),
      link: organisationLink,
    },
  ],
  'organisation.stage_changed': [
    {
      type: 'organisation_stage_changed',
      audience: ['owner', 'teamManager'],
      vars: (event, ctx) => ({ name: text(event.payload.name), actor: ctx.actorName }),
      link: organisationLink,
    },
  ],
  'interaction.created': [
    // First match wins per recipient: a mention says more than "something was logged".
    {
      type: 'mention',
      audience: ['mentioned'],
      vars: (event, ctx) => ({ subject: text(event.payload.subject), actor: ctx.actorName }),
      link: (event) =>
        event.payload.organisationId
          ? `/organisations/${text(event.payload.organisationId)}/interactions`
          : null,
    },
    {
      type: 'interaction_logged',
      audience: ['recordOwners'],
      vars: (event, ctx) => ({
        subject: text(event.payload.subject),
        actor: ctx.actorName,
        record: ctx.names.record ?? '',
      }),
      link: (event) =>
        event.payload.organisationId
          ? `/organisations/${text(event.payload.organisationId)}/interactions`
          : null,
    },
  ],
  'import.completed': [
    {
      type: 'import_finished',
      audience: ['requester'],
      notifyActor: true,
      priority: (event) => (count(event.payload.rejected) > 0 ? 'high' : 'normal'),
      vars: (event) => ({
        outcome: both('Import terminé', 'Import finished'),
        created: count(event.payload.created),
        updated: count(event.payload.updated),
        rejected: count(event.payload.rejected),
      }),
      link: () => '/organisations',
    },
  ],
  'import.failed': [
    {
      type: 'import_finished',
      audience: ['requester'],
      notifyActor: true,
      priority: () => 'high',
      vars: (event) => ({
        outcome: both('Échec de l’import', 'Import failed'),
        created: count(event.payload.created),
        updated: count(event.payload.updated),
        rejected: count(event.payload.rejected),
      }),
      link: () => null,
    },
  ],
  'export.completed': [
    {
      type: 'export_ready',
      audience: ['requester'],
      notifyActor: true,
      vars: (event) => ({
        outcome: both('Votre export est prêt', 'Your export is ready'),
        fileName: `${text(event.payload.fileName)} (${count(event.payload.rows)})`,
      }),
      link: (event) => `/api/v1/exports/${event.entityId}/download`,
    },
  ],
  'export.failed': [
    {
      type: 'export_ready',
      audience: ['requester'],
      notifyActor: true,
      priority: () => 'high',
      vars: (event) => ({
        outcome: both('Échec de l’export', 'Export failed'),
        fileName: text(event.payload.fileName) || text(event.payload.entity),
      }),
      link: () => null,
    },
  ],
  'webhook_endpoint.disabled': [
    {
      type: 'system_alert',
      audience: ['admins'],
      notifyActor: true,
      vars: (event) => ({
        subject: both('Webhook désactivé', 'Webhook disabled'),
        detail: `${text(event.payload.url)} — ${text(event.payload.reason)}`,
      }),
      link: () => '/settings',
    },
  ],
};

/** The event types notifications listen to (for docs and tests). */
export const NOTIFYING_EVENT_TYPES = Object.keys(RULES);
