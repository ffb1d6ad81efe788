import { z } from 'zod';
import {
  INTERACTION_TYPES,
  LANGUAGES,
  MANDATE_STATUSES,
  MANDATE_TYPES,
  ORGANISATION_CATEGORIES,
  ORGANISATION_STATUSES,
  ORGANISATION_TYPES,
  TASK_PRIORITIES,
} from './crm.constants';
import { parisLocalToIso } from './crm-format';
import type { CrmTranslate } from './i18n-crm';

/**
 * The CRM forms: each turns the submitted fields (strings, empty = none) into
 * the service's input shape, with messages in the viewer's language. The same
 * schema validates in the browser (ValidatedForm) and in the action; the
 * action then parses the result with the API's own zod schema before calling
 * the service, so the rules of record stay the service's.
 */

const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);
const blankToNull = (value: unknown) => {
  const text = trimmed(value);
  return text === '' || text === undefined ? null : text;
};

function required(t: CrmTranslate, max: number) {
  return z
    .string({ error: t('v.required') })
    .trim()
    .min(1, t('v.required'))
    .max(max, t('v.tooLong'));
}

function optionalText(t: CrmTranslate, max: number) {
  return z.preprocess(blankToNull, z.string().max(max, t('v.tooLong')).nullable());
}

function optionalEmail(t: CrmTranslate) {
  return z.preprocess((value) => {
    const text = blankToNull(value);
    return typeof text === 'string' ? text.toLowerCase() : text;
  }, z.email(t('v.email')).max(254, t('v.tooLong')).nullable());
}

function optionalPhone(t: CrmTranslate) {
  return z.preprocess(
    blankToNull,
    z
      .string()
      .max(40, t('v.tooLong'))
      .regex(/^\+?[0-9 ().-]{3,40}$/, t('v.phone'))
      .nullable(),
  );
}

function optionalEnum<const T extends readonly [string, ...string[]]>(t: CrmTranslate, values: T) {
  return z.preprocess(blankToNull, z.enum(values, t('v.choice')).nullable());
}

function optionalDay(t: CrmTranslate) {
  return z.preprocess(blankToNull, z.iso.date(t('v.date')).nullable());
}

function optionalId(t: CrmTranslate) {
  return z.preprocess(blankToNull, z.uuid(t('v.choice')).nullable());
}

function optionalNumber(t: CrmTranslate, min: number, max: number, integer: boolean) {
  const message = t(integer ? 'v.integer' : 'v.number', { min, max });
  return z.preprocess(
    (value) => {
      const text = blankToNull(value);
      return typeof text === 'string'
        ? Number(text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'))
        : text;
    },
    z
      .number(message)
      .min(min, message)
      .max(max, message)
      .refine((value) => !integer || Number.isInteger(value), message)
      .nullable(),
  );
}

const checkbox = z.preprocess((value) => value === 'on' || value === 'true', z.boolean());

/** "1 250 000,50" → "1250000.50"; blank → null. */
function optionalAmount(t: CrmTranslate) {
  return z.preprocess(
    (value) => {
      const text = blankToNull(value);
      return typeof text === 'string' ? text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.') : text;
    },
    z
      .string()
      .regex(/^\d{1,18}(\.\d{1,2})?$/, t('v.amount'))
      .nullable(),
  );
}

export function organisationForm(t: CrmTranslate) {
  return z
    .object({
      name: required(t, 200),
      legalName: optionalText(t, 250),
      types: z.array(z.enum(ORGANISATION_TYPES, t('v.choice'))).min(1, t('v.types')),
      category: optionalEnum(t, ORGANISATION_CATEGORIES),
      status: z.enum(ORGANISATION_STATUSES, t('v.choice')),
      pipelineStageId: z.preprocess(blankToNull, z.uuid(t('v.choice')).nullable()),
      country: z.preprocess(
        (value) => {
          const text = blankToNull(value);
          return typeof text === 'string' ? text.toUpperCase() : text;
        },
        z
          .string()
          .regex(/^[A-Z]{2}$/, t('v.country'))
          .nullable(),
      ),
      city: optionalText(t, 120),
      address: optionalText(t, 500),
      website: z.preprocess(
        blankToNull,
        z
          .string()
          .max(300, t('v.tooLong'))
          .regex(/^(https?:\/\/)?[\w.-]+\.[a-z]{2,}(\/\S*)?$/i, t('v.website'))
          .nullable(),
      ),
      email: optionalEmail(t),
      phone: optionalText(t, 40),
      aumAmount: optionalAmount(t),
      aumCurrency: z.preprocess(
        (value) => (typeof value === 'string' && value.trim() ? value.trim().toUpperCase() : 'EUR'),
        z.string().regex(/^[A-Z]{3}$/, t('v.currency')),
      ),
      notes: optionalText(t, 20_000),
    })
    .transform(({ aumAmount, aumCurrency, ...rest }) => ({
      ...rest,
      aum: aumAmount ? { amount: aumAmount, currency: aumCurrency } : null,
    }));
}

const personFields = (t: CrmTranslate) => ({
  firstName: required(t, 100),
  lastName: required(t, 100),
  workEmail: optionalEmail(t),
  workPhone: optionalPhone(t),
  mobilePhone: optionalPhone(t),
  jobTitle: optionalText(t, 200),
  city: optionalText(t, 120),
});

export function personForm(t: CrmTranslate) {
  return z.object({
    ...personFields(t),
    personalEmail: optionalEmail(t),
    language: z.enum(LANGUAGES, t('v.choice')),
    notes: optionalText(t, 20_000),
  });
}

/** A new person and their affiliation to the organisation whose page this is. */
export function addPersonForm(t: CrmTranslate) {
  return z.object({
    ...personFields(t),
    roleTitle: optionalText(t, 200),
    isPrimary: checkbox,
  });
}

/** An existing person linked to the organisation. */
export function linkPersonForm(t: CrmTranslate) {
  return z.object({
    personId: z.uuid(t('v.required')),
    roleTitle: optionalText(t, 200),
    isPrimary: checkbox,
  });
}

const interactionFields = (t: CrmTranslate) => ({
  type: z.enum(INTERACTION_TYPES, t('v.choice')),
  occurredAt: z
    .string({ error: t('v.required') })
    .trim()
    .min(1, t('v.required'))
    .transform((value, ctx) => {
      const iso = parisLocalToIso(value);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: t('v.datetime') });
        return z.NEVER;
      }
      return iso;
    }),
  subject: required(t, 300),
  body: optionalText(t, 50_000),
  participants: z.array(z.uuid(t('v.choice'))).max(100, t('v.tooLong')),
});

/** Logging an interaction from an organisation's tab: its people take part. */
export function interactionForm(t: CrmTranslate) {
  return z.object(interactionFields(t)).transform(({ participants, ...rest }) => ({
    ...rest,
    participants: { people: participants, users: [] },
  }));
}

/**
 * The full interaction form (new / edit page): also the colleagues present,
 * the organisation and the mandate it is about (blank = none).
 */
export function interactionRecordForm(t: CrmTranslate) {
  return z
    .object({
      ...interactionFields(t),
      users: z.array(z.uuid(t('v.choice'))).max(100, t('v.tooLong')),
      organisationId: optionalId(t),
      mandateId: optionalId(t),
    })
    .transform(({ participants, users, ...rest }) => ({
      ...rest,
      participants: { people: participants, users },
    }));
}

/** A mandate's terms; its status only moves through the lifecycle actions (transitionForm). */
export function mandateForm(t: CrmTranslate) {
  return z
    .object({
      organisationId: z.uuid(t('v.required')),
      title: required(t, 200),
      type: z.enum(MANDATE_TYPES, t('v.choice')),
      amount: optionalAmount(t),
      currency: z.preprocess(
        (value) => (typeof value === 'string' && value.trim() ? value.trim().toUpperCase() : 'EUR'),
        z.string().regex(/^[A-Z]{3}$/, t('v.currency')),
      ),
      managementFeeBps: optionalNumber(t, 0, 1000, true),
      performanceFeePct: optionalNumber(t, 0, 50, false),
      startDate: optionalDay(t),
      endDate: optionalDay(t),
      nextReviewAt: optionalDay(t),
      products: z.preprocess(
        (value) =>
          typeof value === 'string'
            ? [
                ...new Set(
                  value
                    .split(/[,\n]/)
                    .map((item) => item.trim())
                    .filter(Boolean),
                ),
              ]
            : [],
        z.array(z.string().max(120, t('v.tooLong'))).max(50, t('v.tooLong')),
      ),
      feeNotes: optionalText(t, 5_000),
    })
    .superRefine((value, ctx) => {
      if (value.startDate && value.endDate && value.endDate < value.startDate) {
        ctx.addIssue({ code: 'custom', path: ['endDate'], message: t('v.dateOrder') });
      }
    });
}

export function taskForm(t: CrmTranslate) {
  return z.object({
    title: required(t, 300),
    dueDate: optionalDay(t),
    priority: z.enum(TASK_PRIORITIES, t('v.choice')),
    description: optionalText(t, 20_000),
  });
}

export function transitionForm(t: CrmTranslate) {
  return z.object({
    to: z.enum(MANDATE_STATUSES, t('v.choice')),
    date: z.preprocess((value) => blankToNull(value) ?? undefined, z.iso.date(t('v.date')).optional()),
  });
}

/** The `version` a form was built from, sent back as If-Match; null if missing or garbled. */
export function versionOf(form: FormData): number | null {
  const value = Number(form.get('version'));
  return Number.isInteger(value) && value > 0 ? value : null;
}
