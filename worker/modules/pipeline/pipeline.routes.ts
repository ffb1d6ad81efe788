import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, json, problemResponses } from '../../lib/openapi';
import {
  createStageSchema,
  kanbanQuery,
  kanbanSchema,
  reorderStagesSchema,
  stageListSchema,
  stageSchema,
  updateStageSchema,
} from './pipeline.schemas';
import {
  createStage,
  deleteStage,
  listStages,
  pipelineBoard,
  reorderStages,
  updateStage,
} from './pipeline.service';

const TAG = 'Pipeline';

/** `/api/v1/pipeline-stages`: the stages, readable by all, administered by Admins (settings:manage). */
export const pipelineStagesRoutes = createRouter();

pipelineStagesRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'The pipeline stages in order',
    responses: {
      200: { description: 'Active stages by position', content: json(stageListSchema) },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json({ data: await listStages(actorDepsOf(c)) }, 200),
);

pipelineStagesRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Add a stage at the end of the pipeline (settings:manage)',
    request: { body: { required: true, content: json(createStageSchema) } },
    responses: {
      201: { description: 'Created', content: json(stageSchema) },
      ...problemResponses(401, 403, 409, 422),
    },
  }),
  async (c) => {
    const stage = await createStage(actorDepsOf(c), c.req.valid('json'));
    c.header('Location', `/api/v1/pipeline-stages/${stage.id}`);
    return c.json(stage, 201);
  },
);

pipelineStagesRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/order',
    tags: [TAG],
    summary: 'Reorder the pipeline: list every active stage exactly once (settings:manage)',
    request: { body: { required: true, content: json(reorderStagesSchema) } },
    responses: {
      200: { description: 'The stages in their new order', content: json(stageListSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json({ data: await reorderStages(actorDepsOf(c), c.req.valid('json').ids) }, 200),
);

pipelineStagesRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Rename or recolour a stage, or mark it won or lost (settings:manage)',
    request: { params: idParam, body: { required: true, content: json(updateStageSchema) } },
    responses: {
      200: { description: 'Updated', content: json(stageSchema) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => c.json(await updateStage(actorDepsOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
);

pipelineStagesRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Remove a stage; 409 while organisations are in it (settings:manage)',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    await deleteStage(actorDepsOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);

/** `/api/v1/pipeline`: the kanban board, scoped to the caller. */
export const pipelineRoutes = createRouter();

pipelineRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'The kanban board: each stage with its count and first organisations in your scope',
    request: { query: kanbanQuery },
    responses: {
      200: { description: 'Stages in order', content: json(kanbanSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await pipelineBoard(actorDepsOf(c), c.req.valid('query')), 200),
);
