import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { csv } from '../organisations/organisations.schemas';

export const LANGUAGES = ['fr', 'en', 'de', 'it', 'es', 'nl'] as const;
export const CONSENT_STATUSES = ['granted', 'denied', 'unknown', 'withdrawn'] as const;

const tags = z.array(z.string().trim().min(1).max(40)).max(30);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** Trimmed, checked, stored lower-case: look-ups and duplicates never depend on case. */
const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('A valid email address').max(254))
  .nullable()
  .optional()
  .openapi({ format: 'email', maxLength: 254, example: 'c.martin@crc-retraite.fr' });

const phone = z
  .string()
  .trim()
  .max(40)
  .regex(/^\+?[0-9 ().-]{3,40}$/, 'Digits, spaces and + ( ) . - only')
  .nullable()
  .optional()
  .openapi({ example: '+33 1 42 00 00 00' });

export const consentInput = z
  .object({
    status: z.enum(CONSENT_STATUSES),
    source: optionalText(200).openapi({ example: 'Signed form, Patrimonia 2026' }),
    at: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .openapi({ description: 'Defaults to now when the status changes (null for unknown)' }),
  })
  .openapi('ConsentInput', { description: 'Replaces the whole consent record' });

export const personInput = z.object({
  firstName: z.string().trim().min(1).max(100).openapi({ example: 'Claire' }),
  lastName: z.string().trim().min(1).max(100).openapi({ example: 'Martin' }),
  workEmail: email,
  personalEmail: email,
  workPhone: phone,
  mobilePhone: phone,
  jobTitle: optionalText(200).openapi({ example: 'Directrice des investissements' }),
  language: z.enum(LANGUAGES).optional().openapi({ description: 'Defaults to fr' }),
  city: optionalText(120),
  notes: optionalText(20_000),
  tags: tags.optional(),
  consent: consentInput.optional(),
  externalId: optionalText(100),
  ownerId: z.uuid().optional().openapi({ description: 'Reassigning needs people:manage' }),
  teamId: z.uuid().nullable().optional(),
});

export const createPersonSchema = personInput.openapi('CreatePerson');
export const updatePersonSchema = personInput
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdatePerson');

export type CreatePersonInput = z.infer<typeof createPersonSchema>;
export type UpdatePersonInput = z.infer<typeof updatePersonSchema>;

export const consentSchema = z
  .object({
    status: z.enum(CONSENT_STATUSES),
    source: z.string().nullable(),
    at: z.iso.datetime().nullable(),
  })
  .openapi('Consent');

export const personSchema = z
  .object({
    id: z.uuid(),
    firstName: z.string(),
    lastName: z.string(),
    workEmail: z.string().nullable(),
    personalEmail: z.string().nullable(),
    workPhone: z.string().nullable(),
    mobilePhone: z.string().nullable(),
    jobTitle: z.string().nullable(),
    language: z.string(),
    city: z.string().nullable(),
    notes: z.string().nullable(),
    tags: z.array(z.string()),
    consent: consentSchema,
    externalId: z.string().nullable(),
    erasedAt: z.iso.datetime().nullable().openapi({ description: 'Set once the person was erased (GDPR)' }),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi('Person');

export const listPeopleQuery = z.object({
  ...paginationQuery,
  sort: z.string().max(30).optional().openapi({
    example: 'lastName',
    description: 'lastName (then firstName; default), city, createdAt, updatedAt; prefix - for descending',
  }),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Name or email contains' }),
  city: z.string().trim().min(1).max(120).optional(),
  tags: csv(z.string().max(40)).optional().openapi({ description: 'People having all these tags' }),
  language: csv(z.enum(LANGUAGES)).optional().openapi({ example: 'fr,en' }),
  consentStatus: csv(z.enum(CONSENT_STATUSES)).optional().openapi({ example: 'granted' }),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  organisationId: z
    .uuid()
    .optional()
    .openapi({ description: 'People currently affiliated with this organisation (if you can see it)' }),
  createdFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  createdTo: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  deleted: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ description: 'true: only deleted people (the bin)' }),
});

export type ListPeopleQuery = z.infer<typeof listPeopleQuery>;
