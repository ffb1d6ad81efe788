import { z } from '@hono/zod-openapi';
import { listMandatesQuery } from '../mandates/mandates.schemas';
import { listOrganisationsQuery } from '../organisations/organisations.schemas';
import { listPeopleQuery } from '../people/people.schemas';

export const EXPORT_ENTITIES = ['organisations', 'people', 'mandates'] as const;
export const EXPORT_FORMATS = ['csv', 'excel', 'pdf'] as const;
export type ExportEntity = (typeof EXPORT_ENTITIES)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Options shared by every export, next to the list's own filters. */
const exportOptions = {
  delimiter: z.enum([',', ';']).default(',').openapi({
    description:
      'CSV only. `,` writes amounts with a decimal point; `;` (French Excel) writes them with a decimal comma',
  }),
  lang: z.enum(['fr', 'en']).optional().openapi({ description: 'Column headers; defaults to your locale' }),
  mode: z
    .enum(['auto', 'async'])
    .default('auto')
    .openapi({ description: 'async: always build as a background job (202), whatever the size' }),
};

/** The list endpoints' filters (same names, same validation), without paging. */
export const exportQueries = {
  organisations: listOrganisationsQuery.omit({ limit: true, cursor: true }).extend(exportOptions),
  people: listPeopleQuery.omit({ limit: true, cursor: true }).extend(exportOptions),
  mandates: listMandatesQuery.omit({ limit: true, cursor: true }).extend(exportOptions),
} as const;

export type OrganisationExportQuery = z.infer<typeof exportQueries.organisations>;
export type PersonExportQuery = z.infer<typeof exportQueries.people>;
export type MandateExportQuery = z.infer<typeof exportQueries.mandates>;

export type ExportRequest =
  | { entity: 'organisations'; format: ExportFormat; query: OrganisationExportQuery }
  | { entity: 'people'; format: ExportFormat; query: PersonExportQuery }
  | { entity: 'mandates'; format: ExportFormat; query: MandateExportQuery };

export const exportJobSchema = z
  .object({
    id: z.uuid(),
    entity: z.enum(EXPORT_ENTITIES),
    format: z.enum(EXPORT_FORMATS),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'expired']),
    totalRows: z.number().int(),
    processedRows: z.number().int(),
    progress: z.number().min(0).max(1).openapi({ description: 'processedRows / totalRows' }),
    fileName: z.string(),
    sizeBytes: z.number().int().nullable(),
    error: z.string().nullable(),
    filters: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime(),
    downloadUrl: z
      .string()
      .nullable()
      .openapi({ description: 'Signed, short-lived; present once completed and until expiry' }),
  })
  .openapi('ExportJob');

export type ExportJob = z.infer<typeof exportJobSchema>;

export const listExportJobsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const downloadQuery = z.object({
  expires: z.coerce.number().int().positive(),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});
