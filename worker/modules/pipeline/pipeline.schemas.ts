import { z } from '@hono/zod-openapi';

const color = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'A colour as #RRGGBB')
  .transform((value) => value.toLowerCase())
  .openapi({ example: '#366092' });

export const stageInput = z.object({
  name: z.string().trim().min(1).max(60).openapi({ example: 'Due diligence' }),
  color: color.optional(),
  isWon: z.boolean().optional().openapi({ description: 'Organisations here count as won' }),
  isLost: z.boolean().optional().openapi({ description: 'Organisations here count as lost' }),
});

export const createStageSchema = stageInput.openapi('CreatePipelineStage');
export const updateStageSchema = stageInput
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdatePipelineStage');

export type CreateStageInput = z.infer<typeof createStageSchema>;
export type UpdateStageInput = z.infer<typeof updateStageSchema>;

export const reorderStagesSchema = z
  .object({
    ids: z
      .array(z.uuid())
      .min(1)
      .max(200)
      .openapi({ description: 'Every active stage exactly once, in the new order' }),
  })
  .openapi('ReorderPipelineStages');

export const stageSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    position: z.number().int(),
    color: z.string(),
    isWon: z.boolean(),
    isLost: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('PipelineStage');

export const stageListSchema = z.object({ data: z.array(stageSchema) }).openapi('PipelineStageList');

export const kanbanQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: 'Organisations per stage (most recently updated first)', example: 50 }),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
});

export type KanbanQuery = z.infer<typeof kanbanQuery>;

export const kanbanCardSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    city: z.string().nullable(),
    aum: z.object({ amount: z.string(), currency: z.string() }).nullable(),
    ownerId: z.uuid(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('PipelineCard');

export const kanbanSchema = z
  .object({
    stages: z.array(
      stageSchema.extend({
        count: z.number().int().openapi({ description: 'Visible organisations in the stage, all of them' }),
        organisations: z.array(kanbanCardSchema),
      }),
    ),
  })
  .openapi('Pipeline');
