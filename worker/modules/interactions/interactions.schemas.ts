import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { csv } from '../organisations/organisations.schemas';

export const INTERACTION_TYPES = ['call', 'meeting', 'email', 'note', 'event'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

const ids = (description: string) =>
  z
    .array(z.uuid())
    .max(100)
    .default([])
    .transform((values) => [...new Set(values)])
    .openapi({ description });

export const participantsInput = z
  .object({
    people: ids('Contacts (people you can see)'),
    users: ids('Colleagues'),
  })
  .openapi('InteractionParticipantsInput', {
    description: 'Replaces the whole list: a kind left out is emptied',
  });

export const interactionInput = z.object({
  type: z.enum(INTERACTION_TYPES),
  occurredAt: z.iso.datetime({ offset: true }).openapi({ example: '2026-03-12T14:30:00+01:00' }),
  subject: z.string().trim().min(1).max(300).openapi({ example: 'Revue annuelle du mandat' }),
  body: z.string().trim().max(50_000).nullable().optional(),
  organisationId: z
    .uuid()
    .nullable()
    .optional()
    .openapi({ description: "An organisation you can see; defaults to the mandate's" }),
  mandateId: z.uuid().nullable().optional().openapi({ description: 'A mandate you can see' }),
  participants: participantsInput.optional(),
  ownerId: z.uuid().optional().openapi({ description: 'Reassigning needs interactions:manage' }),
  teamId: z.uuid().nullable().optional(),
});

export const createInteractionSchema = interactionInput.openapi('CreateInteraction');
export const updateInteractionSchema = interactionInput
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdateInteraction');

export type CreateInteractionInput = z.infer<typeof createInteractionSchema>;
export type UpdateInteractionInput = z.infer<typeof updateInteractionSchema>;

export const interactionSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(INTERACTION_TYPES),
    occurredAt: z.iso.datetime(),
    subject: z.string(),
    body: z.string().nullable(),
    organisationId: z.uuid().nullable(),
    mandateId: z.uuid().nullable(),
    participants: z.object({ people: z.array(z.uuid()), users: z.array(z.uuid()) }),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi('Interaction');

const instantOrDay = z.iso.datetime({ offset: true }).or(z.iso.date());

export const listInteractionsQuery = z.object({
  ...paginationQuery,
  sort: z.string().max(30).optional().openapi({
    example: '-occurredAt',
    description: 'occurredAt (default, newest first), createdAt; prefix - for descending',
  }),
  type: csv(z.enum(INTERACTION_TYPES)).optional().openapi({ example: 'call,meeting' }),
  organisationId: z.uuid().optional(),
  mandateId: z.uuid().optional(),
  personId: z.uuid().optional().openapi({ description: 'Interactions this person took part in' }),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  occurredFrom: instantOrDay.optional(),
  occurredTo: instantOrDay.optional().openapi({ description: 'A date includes that whole day (UTC)' }),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  deleted: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ description: 'true: only deleted records (the bin)' }),
});

export type ListInteractionsQuery = z.infer<typeof listInteractionsQuery>;
