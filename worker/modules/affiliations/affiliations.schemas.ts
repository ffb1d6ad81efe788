import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';

const date = z.iso.date().nullable().optional();

const affiliationFields = {
  roleTitle: z.string().trim().max(200).nullable().optional().openapi({ example: 'Directeur financier' }),
  isPrimary: z
    .boolean()
    .optional()
    .openapi({ description: "true demotes the person's other current primary affiliation" }),
  startDate: date.openapi({ example: '2021-09-01' }),
  endDate: date.openapi({ description: 'Ending an affiliation keeps it as history; on or after startDate' }),
};

/** endDate before startDate is refused with a field error on endDate. */
function datesInOrder(value: { startDate?: string | null; endDate?: string | null }, ctx: z.RefinementCtx) {
  if (value.startDate && value.endDate && value.endDate < value.startDate) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'Must be on or after startDate' });
  }
}

export const createAffiliationSchema = z
  .object({
    personId: z.uuid(),
    organisationId: z.uuid(),
    ...affiliationFields,
  })
  .superRefine(datesInOrder)
  .openapi('CreateAffiliation');

/** Person and organisation are fixed: someone who moves gets a new affiliation, the old one is ended. */
export const updateAffiliationSchema = z
  .object(affiliationFields)
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .superRefine(datesInOrder)
  .openapi('UpdateAffiliation');

export type CreateAffiliationInput = z.infer<typeof createAffiliationSchema>;
export type UpdateAffiliationInput = z.infer<typeof updateAffiliationSchema>;

export const affiliationSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    organisationId: z.uuid(),
    roleTitle: z.string().nullable(),
    isPrimary: z.boolean(),
    startDate: z.iso.date().nullable(),
    endDate: z.iso.date().nullable(),
    isCurrent: z.boolean().openapi({ description: 'No end date, or one in the future' }),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi('Affiliation');

const trueFalse = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

export const listAffiliationsQuery = z.object({
  ...paginationQuery,
  sort: z.string().max(30).optional().openapi({
    example: '-startDate',
    description: 'startDate (default -startDate), endDate, createdAt, updatedAt; prefix - for descending',
  }),
  personId: z.uuid().optional(),
  organisationId: z.uuid().optional(),
  current: trueFalse.openapi({ description: 'true: current only; false: ended only' }),
  primary: trueFalse,
  deleted: trueFalse.openapi({ description: 'true: only deleted affiliations (the bin)' }),
});

export type ListAffiliationsQuery = z.infer<typeof listAffiliationsQuery>;

/** The convenience reads (`/people/{id}/affiliations`, `/organisations/{id}/people`). */
export const relatedQuery = z.object({
  ...paginationQuery,
  current: trueFalse.openapi({ description: 'true: current only; false: ended only' }),
});

export type RelatedQuery = z.infer<typeof relatedQuery>;

export const personAffiliationSchema = affiliationSchema
  .extend({ organisation: z.object({ id: z.uuid(), name: z.string() }) })
  .openapi('PersonAffiliation');

export const organisationMemberSchema = affiliationSchema
  .extend({
    person: z.object({
      id: z.uuid(),
      firstName: z.string(),
      lastName: z.string(),
      jobTitle: z.string().nullable(),
      workEmail: z.string().nullable(),
    }),
  })
  .openapi('OrganisationMember');
