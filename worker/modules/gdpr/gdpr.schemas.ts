import { z } from '@hono/zod-openapi';
import { affiliationSchema } from '../affiliations/affiliations.schemas';
import { consentSchema, personSchema } from '../people/people.schemas';

const changes = z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable();

export const gdprExportSchema = z
  .object({
    exportedAt: z.iso.datetime(),
    person: personSchema,
    consent: consentSchema,
    affiliations: z.array(
      affiliationSchema.extend({ organisation: z.object({ id: z.uuid(), name: z.string() }) }),
    ),
    interactions: z.array(
      z.object({
        id: z.uuid(),
        type: z.string(),
        occurredAt: z.iso.datetime(),
        subject: z.string(),
        body: z.string().nullable(),
        organisationId: z.uuid().nullable(),
        mandateId: z.uuid().nullable(),
        createdAt: z.iso.datetime(),
        deletedAt: z.iso.datetime().nullable(),
      }),
    ),
    tasks: z.array(
      z.object({
        id: z.uuid(),
        title: z.string(),
        description: z.string().nullable(),
        dueDate: z.iso.date().nullable(),
        priority: z.string(),
        status: z.string(),
        organisationId: z.uuid().nullable(),
        mandateId: z.uuid().nullable(),
        completedAt: z.iso.datetime().nullable(),
        createdAt: z.iso.datetime(),
        deletedAt: z.iso.datetime().nullable(),
      }),
    ),
    timeline: z.array(
      z.object({
        entityType: z.enum(['person', 'affiliation']),
        entityId: z.uuid(),
        action: z.string(),
        actorId: z.uuid().nullable(),
        changes,
        occurredAt: z.iso.datetime(),
      }),
    ),
  })
  .openapi('PersonDataExport', {
    description:
      'Everything held about a person: the record, consent, affiliations (ended and binned too), ' +
      'interactions they took part in, tasks about them and their history, oldest first',
  });

export type GdprExport = z.infer<typeof gdprExportSchema>;
