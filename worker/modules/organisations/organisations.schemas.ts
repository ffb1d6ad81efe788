import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';

export const ORGANISATION_TYPES = ['investor', 'distributor', 'supplier', 'partner'] as const;
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
] as const;
export const ORGANISATION_STATUSES = ['prospect', 'active', 'dormant', 'closed'] as const;

/** Decimal amounts travel as strings so no cent is lost to floating point. */
export const decimalString = z
  .union([z.number(), z.string()])
  .transform((value) => String(value).trim())
  .pipe(z.string().regex(/^\d{1,18}(\.\d{1,2})?$/, 'A positive amount with at most 2 decimals'));

const tags = z.array(z.string().trim().min(1).max(40)).max(30);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const organisationInput = z.object({
  name: z.string().trim().min(1).max(200).openapi({ example: 'Caisse de Retraite des Cadres' }),
  legalName: optionalText(250),
  types: z
    .array(z.enum(ORGANISATION_TYPES))
    .min(1)
    .max(4)
    .openapi({ example: ['investor'] }),
  category: z.enum(ORGANISATION_CATEGORIES).nullable().optional(),
  pipelineStageId: z.uuid().nullable().optional(),
  status: z.enum(ORGANISATION_STATUSES).optional(),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code')
    .nullable()
    .optional()
    .openapi({ example: 'FR' }),
  city: optionalText(120),
  address: optionalText(500),
  website: z
    .string()
    .trim()
    .max(300)
    .regex(/^(https?:\/\/)?[\w.-]+\.[a-z]{2,}(\/\S*)?$/i, 'A website address')
    .nullable()
    .optional()
    .openapi({ example: 'https://www.crc-retraite.fr' }),
  email: z.email().max(254).nullable().optional(),
  phone: optionalText(40),
  aum: z
    .object({
      amount: decimalString,
      currency: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z]{3}$/),
    })
    .nullable()
    .optional()
    .openapi({ example: { amount: '1250000000.00', currency: 'EUR' } }),
  notes: optionalText(20_000),
  tags: tags.optional(),
  externalId: optionalText(100),
  ownerId: z.uuid().optional().openapi({ description: 'Reassigning needs organisations:manage' }),
  teamId: z.uuid().nullable().optional(),
});

export const createOrganisationSchema = organisationInput.openapi('CreateOrganisation');
export const updateOrganisationSchema = organisationInput
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdateOrganisation');

export type CreateOrganisationInput = z.infer<typeof createOrganisationSchema>;
export type UpdateOrganisationInput = z.infer<typeof updateOrganisationSchema>;

export const organisationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    legalName: z.string().nullable(),
    types: z.array(z.string()),
    category: z.string().nullable(),
    pipelineStageId: z.uuid().nullable(),
    status: z.string(),
    country: z.string().nullable(),
    city: z.string().nullable(),
    address: z.string().nullable(),
    website: z.string().nullable(),
    websiteDomain: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    aum: z.object({ amount: z.string(), currency: z.string() }).nullable(),
    notes: z.string().nullable(),
    tags: z.array(z.string()),
    externalId: z.string().nullable(),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi('Organisation');

/** `?type=investor,distributor` → `['investor', 'distributor']`. */
export const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item).min(1).max(50),
  );

export const listOrganisationsQuery = z.object({
  ...paginationQuery,
  sort: z.string().max(30).optional().openapi({
    example: '-updatedAt',
    description: 'name, city, createdAt, updatedAt, aum; prefix - for descending',
  }),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Name contains' }),
  type: csv(z.enum(ORGANISATION_TYPES)).optional().openapi({ example: 'investor,distributor' }),
  category: csv(z.enum(ORGANISATION_CATEGORIES)).optional(),
  status: csv(z.enum(ORGANISATION_STATUSES)).optional(),
  stageId: z.uuid().optional(),
  city: z.string().trim().min(1).max(120).optional(),
  country: z.string().trim().toUpperCase().length(2).optional(),
  tags: csv(z.string().max(40)).optional().openapi({ description: 'Records having all these tags' }),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  createdFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  createdTo: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  deleted: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ description: 'true: only deleted records (the bin)' }),
});

export type ListOrganisationsQuery = z.infer<typeof listOrganisationsQuery>;
