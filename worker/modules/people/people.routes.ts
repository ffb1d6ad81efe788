import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { etagOf } from '../../lib/records';
import { personAffiliationSchema, relatedQuery } from '../affiliations/affiliations.schemas';
import { listPersonAffiliations } from '../affiliations/affiliations.service';
import { listTimeline, timelinePageSchema } from '../timeline/timeline.service';
import { createPersonSchema, listPeopleQuery, personSchema, updatePersonSchema } from './people.schemas';
import {
  createPerson,
  deletePerson,
  getPerson,
  listPeople,
  restorePerson,
  updatePerson,
} from './people.service';

const TAG = 'People';

export const peopleRoutes = createRouter();

peopleRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'List people in your scope (keyset pagination, filters, sort)',
    request: { query: listPeopleQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z.object({ data: z.array(personSchema), nextCursor: z.string().nullable() }).openapi('PersonPage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listPeople(actorDepsOf(c), c.req.valid('query')), 200),
);

peopleRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Create a person (owned by you, in your team unless reassigned)',
    request: { body: { required: true, content: json(createPersonSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(personSchema) },
      ...problemResponses(401, 403, 409, 422),
    },
  }),
  async (c) => {
    const created = await createPerson(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/people/${created.id}`);
    return c.json(created, 201);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'Get a person',
    request: { params: idParam },
    responses: {
      200: { description: 'The person', headers: withEtag, content: json(personSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const person = await getPerson(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(person.version));
    return c.json(person, 200);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Update fields; send If-Match to avoid overwriting a concurrent change (412)',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updatePersonSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(personSchema) },
      ...problemResponses(401, 403, 404, 409, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updatePerson(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Move a person to the bin (restorable)',
    request: { params: idParam, headers: ifMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 412) },
  }),
  async (c) => {
    await deletePerson(actorDepsOf(c), c.req.valid('param').id, c.req.valid('header')['if-match']);
    return c.body(null, 204);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/restore',
    tags: [TAG],
    summary: 'Restore a deleted person (409 once erased)',
    request: { params: idParam },
    responses: {
      200: { description: 'Restored', headers: withEtag, content: json(personSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const restored = await restorePerson(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(restored.version));
    return c.json(restored, 200);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/timeline',
    tags: [TAG],
    summary: "A person's history: creates, updates, deletes, restores and erasure",
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: {
      200: { description: 'Newest first', content: json(timelinePageSchema) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const deps = actorDepsOf(c);
    const { id } = c.req.valid('param');
    await getPerson(deps, id);
    return c.json(await listTimeline(deps.db, 'person', id, c.req.valid('query')), 200);
  },
);

peopleRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/affiliations',
    tags: [TAG, 'Affiliations'],
    summary: "A person's affiliations, newest start first, with the organisation's name",
    request: { params: idParam, query: relatedQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(personAffiliationSchema), nextCursor: z.string().nullable() })
            .openapi('PersonAffiliationPage'),
        ),
      },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) =>
    c.json(await listPersonAffiliations(actorDepsOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
);
