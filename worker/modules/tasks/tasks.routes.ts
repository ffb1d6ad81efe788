import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { etagOf } from '../../lib/records';
import { listTimeline, timelinePageSchema } from '../timeline/timeline.service';
import { createTaskSchema, listTasksQuery, taskSchema, updateTaskSchema } from './tasks.schemas';
import { createTask, deleteTask, getTask, listTasks, restoreTask, updateTask } from './tasks.service';

const TAG = 'Tasks';

export const tasksRoutes = createRouter();

tasksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'List tasks in your scope and tasks assigned to you (soonest due first by default)',
    request: { query: listTasksQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z.object({ data: z.array(taskSchema), nextCursor: z.string().nullable() }).openapi('TaskPage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listTasks(actorDepsOf(c), c.req.valid('query')), 200),
);

tasksRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Create a task (assigned to you unless assigneeId says otherwise)',
    request: { body: { required: true, content: json(createTaskSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(taskSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createTask(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/tasks/${created.id}`);
    return c.json(created, 201);
  },
);

tasksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'Get a task',
    request: { params: idParam },
    responses: {
      200: { description: 'The task', headers: withEtag, content: json(taskSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const task = await getTask(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(task.version));
    return c.json(task, 200);
  },
);

tasksRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Update fields (status done stamps completedAt); If-Match avoids lost updates (412)',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateTaskSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(taskSchema) },
      ...problemResponses(401, 403, 404, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateTask(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

tasksRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Move a task to the bin (restorable; not by an assignee outside the owner’s scope)',
    request: { params: idParam, headers: ifMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 412) },
  }),
  async (c) => {
    await deleteTask(actorDepsOf(c), c.req.valid('param').id, c.req.valid('header')['if-match']);
    return c.body(null, 204);
  },
);

tasksRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/restore',
    tags: [TAG],
    summary: 'Restore a deleted task',
    request: { params: idParam },
    responses: {
      200: { description: 'Restored', headers: withEtag, content: json(taskSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const restored = await restoreTask(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(restored.version));
    return c.json(restored, 200);
  },
);

tasksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/timeline',
    tags: [TAG],
    summary: "A task's history: creates, updates, completions, assignments, deletes and restores",
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: {
      200: { description: 'Newest first', content: json(timelinePageSchema) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const deps = actorDepsOf(c);
    const { id } = c.req.valid('param');
    await getTask(deps, id);
    return c.json(await listTimeline(deps.db, 'task', id, c.req.valid('query')), 200);
  },
);
