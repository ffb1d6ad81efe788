import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { csv, decimalString } from '../organisations/organisations.schemas';

export const MANDATE_TYPES = [
  'discretionary',
  'advisory',
  'distribution',
  'dedicated_fund',
  'other',
] as const;
export const MANDATE_STATUSES = ['draft', 'proposed', 'signed', 'active', 'terminated', 'expired'] as const;
export type MandateStatus = (typeof MANDATE_STATUSES)[number];
export type MandateType = (typeof MANDATE_TYPES)[number];

/**
 * The lifecycle: draft → proposed → signed → active → terminated | expired.
 * The only way a status changes is POST /mandates/{id}/transition.
 */
export const MANDATE_TRANSITIONS: Record<MandateStatus, readonly MandateStatus[]> = {
  draft: ['proposed'],
  proposed: ['signed'],
  signed: ['active'],
  active: ['terminated', 'expired'],
  terminated: [],
  expired: [],
};

/** A field the client may not write: any value is a 422 naming the field. */
const readOnly = (message: string) =>
  z.never({ error: message }).openapi({ type: 'string', readOnly: true, description: message }).optional();

const isoDate = z.iso.date().openapi({ example: '2026-03-31' });
const optionalDate = isoDate.nullable().optional();
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const mandateInput = z.object({
  organisationId: z.uuid().openapi({ description: 'An organisation you can see' }),
  title: z.string().trim().min(1).max(200).openapi({ example: 'Mandat de gestion obligataire' }),
  type: z.enum(MANDATE_TYPES),
  startDate: optionalDate,
  endDate: optionalDate,
  nextReviewAt: optionalDate,
  amount: decimalString.nullable().optional().openapi({ example: '25000000.00' }),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'ISO 4217 currency code')
    .optional()
    .openapi({ example: 'EUR' }),
  managementFeeBps: z.number().int().min(0).max(1000).nullable().optional().openapi({ example: 45 }),
  performanceFeePct: z.number().min(0).max(50).nullable().optional().openapi({ example: 15 }),
  feeNotes: optionalText(5_000),
  products: z
    .array(z.string().trim().min(1).max(120))
    .max(50)
    .optional()
    .openapi({ example: ['Alforis Crédit Euro IG'] }),
  ownerId: z.uuid().optional().openapi({ description: 'Reassigning needs mandates:manage' }),
  teamId: z.uuid().nullable().optional(),
  status: readOnly('The status changes only through POST /api/v1/mandates/{id}/transition'),
  number: readOnly('The number is generated'),
  proposedAt: readOnly('Set by the transition to proposed'),
  signedAt: readOnly('Set by the transition to signed'),
});

export const createMandateSchema = mandateInput.openapi('CreateMandate');
export const updateMandateSchema = mandateInput
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdateMandate');

export type CreateMandateInput = z.infer<typeof createMandateSchema>;
export type UpdateMandateInput = z.infer<typeof updateMandateSchema>;

export const transitionSchema = z
  .object({
    to: z.enum(MANDATE_STATUSES),
    date: isoDate
      .optional()
      .openapi({ description: 'Date of the event (proposal, signature, start, end); default today (UTC)' }),
  })
  .openapi('MandateTransition');

export type TransitionInput = z.infer<typeof transitionSchema>;

export const mandateSchema = z
  .object({
    id: z.uuid(),
    number: z.string().openapi({ example: 'M-2026-001' }),
    organisationId: z.uuid(),
    title: z.string(),
    type: z.enum(MANDATE_TYPES),
    status: z.enum(MANDATE_STATUSES),
    proposedAt: z.iso.date().nullable(),
    signedAt: z.iso.date().nullable(),
    startDate: z.iso.date().nullable(),
    endDate: z.iso.date().nullable(),
    nextReviewAt: z.iso.date().nullable(),
    amount: z.string().nullable().openapi({ example: '25000000.00' }),
    currency: z.string(),
    managementFeeBps: z.number().int().nullable(),
    performanceFeePct: z.number().nullable(),
    feeNotes: z.string().nullable(),
    products: z.array(z.string()),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi('Mandate');

export const listMandatesQuery = z.object({
  ...paginationQuery,
  sort: z.string().max(30).optional().openapi({
    example: '-signedAt',
    description: 'number, createdAt, updatedAt, signedAt, nextReviewAt, amount; prefix - for descending',
  }),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Number or title contains' }),
  organisationId: z.uuid().optional(),
  status: csv(z.enum(MANDATE_STATUSES)).optional().openapi({ example: 'signed,active' }),
  type: csv(z.enum(MANDATE_TYPES)).optional(),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  signedFrom: z.iso.date().optional(),
  signedTo: z.iso.date().optional(),
  reviewBefore: z.iso.date().optional().openapi({ description: 'Next review on or before this date' }),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  deleted: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ description: 'true: only deleted records (the bin)' }),
});

export type ListMandatesQuery = z.infer<typeof listMandatesQuery>;
