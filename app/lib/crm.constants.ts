import type { INTERACTION_TYPES as API_INTERACTION_TYPES } from '../../worker/modules/interactions/interactions.schemas';
import type {
  MANDATE_STATUSES as API_MANDATE_STATUSES,
  MANDATE_TYPES as API_MANDATE_TYPES,
} from '../../worker/modules/mandates/mandates.schemas';
import type {
  ORGANISATION_CATEGORIES as API_ORGANISATION_CATEGORIES,
  ORGANISATION_STATUSES as API_ORGANISATION_STATUSES,
  ORGANISATION_TYPES as API_ORGANISATION_TYPES,
} from '../../worker/modules/organisations/organisations.schemas';
import type { LANGUAGES as API_LANGUAGES } from '../../worker/modules/people/people.schemas';
import type {
  TASK_PRIORITIES as API_TASK_PRIORITIES,
  TASK_STATUSES as API_TASK_STATUSES,
} from '../../worker/modules/tasks/tasks.schemas';

/**
 * The API's enumerations, for code that also runs in the browser. The schema
 * modules build OpenAPI metadata when imported, which would ship
 * `@hono/zod-openapi` to every visitor; these copies are checked against them
 * at compile time (`satisfies` the exact tuple), so they cannot drift.
 */

export const ORGANISATION_TYPES = [
  'investor',
  'distributor',
  'supplier',
  'partner',
] as const satisfies typeof API_ORGANISATION_TYPES;

export const ORGANISATION_CATEGORIES = [
  'institutional',
  'pension_fund',
  'insurer',
  'bank',
  'private_bank',
  'family_office',
  'wealth_manager',
  'asset_manager',
  'fund_platform',
  'corporate',
  'other',
] as const satisfies typeof API_ORGANISATION_CATEGORIES;

export const ORGANISATION_STATUSES = [
  'prospect',
  'active',
  'dormant',
  'closed',
] as const satisfies typeof API_ORGANISATION_STATUSES;

export const INTERACTION_TYPES = [
  'call',
  'meeting',
  'email',
  'note',
  'event',
] as const satisfies typeof API_INTERACTION_TYPES;

export const TASK_PRIORITIES = [
  'low',
  'normal',
  'high',
  'urgent',
] as const satisfies typeof API_TASK_PRIORITIES;
export const TASK_STATUSES = [
  'todo',
  'in_progress',
  'done',
  'cancelled',
] as const satisfies typeof API_TASK_STATUSES;

export const MANDATE_TYPES = [
  'discretionary',
  'advisory',
  'distribution',
  'dedicated_fund',
  'other',
] as const satisfies typeof API_MANDATE_TYPES;
export const MANDATE_STATUSES = [
  'draft',
  'proposed',
  'signed',
  'active',
  'terminated',
  'expired',
] as const satisfies typeof API_MANDATE_STATUSES;

export const LANGUAGES = ['fr', 'en', 'de', 'it', 'es', 'nl'] as const satisfies typeof API_LANGUAGES;

export type OrganisationType = (typeof ORGANISATION_TYPES)[number];
export type OrganisationCategory = (typeof ORGANISATION_CATEGORIES)[number];
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type MandateType = (typeof MANDATE_TYPES)[number];
export type MandateStatus = (typeof MANDATE_STATUSES)[number];
export type Language = (typeof LANGUAGES)[number];

/** Narrows a string from the API to one of `values`, else `fallback`. */
export function oneOf<T extends string>(values: readonly T[], value: unknown, fallback: T): T {
  return typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : fallback;
}
