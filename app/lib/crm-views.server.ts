import type { Interaction } from '../../worker/modules/interactions/interactions.service';
import { INTERACTION_TYPES, oneOf } from './crm.constants';
import {
  type ActorDeps,
  listStages,
  organisationNames,
  personNames,
  teamNames,
  userNames,
} from './crm.server';
import { formatDay, formatNumber } from './crm-format';
import { formatDate, type Locale } from './i18n';
import { type CrmMessageKey, crmTranslator, isCrmMessageKey } from './i18n-crm';

/** What an interaction list shows: names instead of ids. */
export async function interactionRows(deps: ActorDeps, interactions: Interaction[]) {
  const [organisations, people, owners] = await Promise.all([
    organisationNames(
      deps,
      interactions.map((interaction) => interaction.organisationId),
    ),
    personNames(
      deps,
      interactions.flatMap((interaction) => interaction.participants.people),
    ),
    userNames(
      deps,
      interactions.map((interaction) => interaction.ownerId),
    ),
  ]);
  return interactions.map((interaction) => ({
    id: interaction.id,
    type: oneOf(INTERACTION_TYPES, interaction.type, 'note'),
    occurredAt: interaction.occurredAt,
    subject: interaction.subject,
    body: interaction.body,
    organisation:
      interaction.organisationId && organisations[interaction.organisationId]
        ? { id: interaction.organisationId, name: organisations[interaction.organisationId] ?? '' }
        : null,
    participants: interaction.participants.people
      .map((id) => (people[id] ? { id, name: people[id] ?? '' } : null))
      .filter((person) => person !== null),
    ownerName: owners[interaction.ownerId] ?? null,
  }));
}

export type InteractionRow = Awaited<ReturnType<typeof interactionRows>>[number];

interface TimelineEntry {
  id: string;
  action: string;
  actorId: string | null;
  actorName: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  occurredAt: string;
}

/** Enumerations whose values are translated, by field and record type. */
function enumKey(entityType: string, field: string, value: string): CrmMessageKey | null {
  const prefix =
    field === 'status'
      ? entityType === 'organisation'
        ? 'orgStatus'
        : entityType === 'mandate'
          ? 'mandateStatus'
          : entityType === 'task'
            ? 'taskStatus'
            : null
      : field === 'category'
        ? 'orgCategory'
        : field === 'types'
          ? 'orgType'
          : field === 'priority'
            ? 'taskPriority'
            : field === 'language'
              ? 'language'
              : field === 'type'
                ? entityType === 'mandate'
                  ? 'mandateType'
                  : entityType === 'interaction'
                    ? 'interactionType'
                    : null
                : null;
  const key = prefix ? `${prefix}.${value}` : null;
  return key && isCrmMessageKey(key) ? key : null;
}

const ID_FIELDS = new Set(['ownerId', 'assigneeId']);

/** The order fields are listed in, as on the record's page; others follow. */
const FIELD_ORDER = [
  'name',
  'firstName',
  'lastName',
  'title',
  'legalName',
  'types',
  'type',
  'category',
  'status',
  'pipelineStageId',
  'priority',
  'dueDate',
  'amount',
  'currency',
  'aumAmount',
  'aumCurrency',
  'jobTitle',
  'workEmail',
  'personalEmail',
  'workPhone',
  'mobilePhone',
  'website',
  'email',
  'phone',
  'address',
  'city',
  'country',
  'language',
  'ownerId',
  'teamId',
];

function fieldRank(field: string): number {
  const index = FIELD_ORDER.indexOf(field);
  return index === -1 ? FIELD_ORDER.length : index;
}

function isBlank(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T/;

/**
 * A record's history ready to show: who did what, and for changes each
 * field's before and after in words (stage and user names, translated
 * enumerations, dates and amounts formatted).
 */
export async function timelineView(
  deps: ActorDeps,
  entries: TimelineEntry[],
  { entityType, locale }: { entityType: string; locale: Locale },
) {
  const t = crmTranslator(locale);
  const valuesOf = (fields: Set<string>) =>
    entries.flatMap((entry) =>
      Object.entries(entry.changes ?? {})
        .filter(([field]) => fields.has(field))
        .flatMap(([, change]) => [change.before, change.after])
        .filter((value): value is string => typeof value === 'string'),
    );
  const needsStages = entries.some((entry) => entry.changes && 'pipelineStageId' in entry.changes);
  const [users, teams, organisations, stages] = await Promise.all([
    userNames(deps, valuesOf(ID_FIELDS)),
    teamNames(deps, valuesOf(new Set(['teamId']))),
    organisationNames(deps, valuesOf(new Set(['organisationId']))),
    needsStages ? listStages(deps) : Promise.resolve([]),
  ]);
  const stageNames = Object.fromEntries(stages.map((stage) => [stage.id, stage.name]));

  const show = (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === '') return t('history.blank');
    if (Array.isArray(value)) {
      if (value.length === 0) return t('history.blank');
      return value.map((item) => show(field, item)).join(', ');
    }
    if (typeof value === 'boolean') return t(value ? 'crm.yes' : 'crm.no');
    if (typeof value !== 'string' && typeof value !== 'number') return JSON.stringify(value);
    const text = String(value);
    if (field === 'pipelineStageId') return stageNames[text] ?? text;
    if (ID_FIELDS.has(field)) return users[text] ?? t('crm.unknownUser');
    if (field === 'teamId') return teams[text] ?? text;
    if (field === 'organisationId') return organisations[text] ?? t('crm.unknownOrganisation');
    const key = enumKey(entityType, field, text);
    if (key) return t(key);
    if ((field === 'aumAmount' || field === 'amount') && Number.isFinite(Number(text)))
      return formatNumber(locale, Number(text));
    if (DAY.test(text)) return formatDay(locale, text);
    if (INSTANT.test(text)) return formatDate(locale, text, true);
    return text.length > 240 ? `${text.slice(0, 240)}…` : text;
  };

  const fieldName = (field: string) => {
    const key = `field.${field}`;
    return isCrmMessageKey(key) ? t(key) : field;
  };

  return entries.map((entry) => {
    const actionKey = `history.action.${entry.action}`;
    return {
      id: entry.id,
      action: isCrmMessageKey(actionKey) ? t(actionKey) : entry.action,
      kind: entry.action,
      actorName: entry.actorName,
      occurredAt: entry.occurredAt,
      changes: Object.entries(entry.changes ?? {})
        // A creation lists the values set, not the empty ones.
        .filter(([, change]) => entry.action !== 'created' || !isBlank(change.after))
        .sort(([a], [b]) => fieldRank(a) - fieldRank(b))
        .map(([field, change]) => ({
          field,
          label: fieldName(field),
          before: show(field, change.before),
          after: show(field, change.after),
          wasBlank: isBlank(change.before),
        })),
    };
  });
}

export type TimelineItem = Awaited<ReturnType<typeof timelineView>>[number];
