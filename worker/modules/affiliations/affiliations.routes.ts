import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { etagOf } from '../../lib/records';
import {
  affiliationSchema,
  createAffiliationSchema,
  listAffiliationsQuery,
  organisationMemberSchema,
  relatedQuery,
  updateAffiliationSchema,
} from './affiliations.schemas';
import {
  createAffiliation,
  deleteAffiliation,
  getAffiliation,
  listAffiliations,
  listOrganisationPeople,
  restoreAffiliation,
  updateAffiliation,
} from './affiliations.service';

const TAG = 'Affiliations';

export const affiliationsRoutes = createRouter();

affiliationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'List affiliations in your scope (by person, organisation, current or ended)',
    request: { query: listAffiliationsQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(affiliationSchema), nextCursor: z.string().nullable() })
            .openapi('AffiliationPage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listAffiliations(actorDepsOf(c), c.req.valid('query')), 200),
);

affiliationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Affiliate a person with an organisation (isPrimary demotes their other current primary)',
    request: { body: { required: true, content: json(createAffiliationSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(affiliationSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createAffiliation(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/affiliations/${created.id}`);
    return c.json(created, 201);
  },
);

affiliationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'Get an affiliation',
    request: { params: idParam },
    responses: {
      200: { description: 'The affiliation', headers: withEtag, content: json(affiliationSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const affiliation = await getAffiliation(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(affiliation.version));
    return c.json(affiliation, 200);
  },
);

affiliationsRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Update role, dates or primary flag; set endDate to end it (kept as history)',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateAffiliationSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(affiliationSchema) },
      ...problemResponses(401, 403, 404, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateAffiliation(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

affiliationsRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Move an affiliation entered by mistake to the bin (to end one, set its endDate)',
    request: { params: idParam, headers: ifMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 412) },
  }),
  async (c) => {
    await deleteAffiliation(actorDepsOf(c), c.req.valid('param').id, c.req.valid('header')['if-match']);
    return c.body(null, 204);
  },
);

affiliationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/restore',
    tags: [TAG],
    summary: 'Restore a deleted affiliation',
    request: { params: idParam },
    responses: {
      200: { description: 'Restored', headers: withEtag, content: json(affiliationSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const restored = await restoreAffiliation(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(restored.version));
    return c.json(restored, 200);
  },
);

/**
 * `GET /api/v1/organisations/{id}/people`, in the organisations URL space but
 * owned here: mounted as a second router on `/api/v1/organisations`, which
 * Hono merges with the organisations module's own routes.
 */
export const organisationPeopleRoutes = createRouter();

organisationPeopleRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/people',
    tags: ['Organisations', TAG],
    summary: "An organisation's people, by name, each with their affiliation",
    request: { params: idParam, query: relatedQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(organisationMemberSchema), nextCursor: z.string().nullable() })
            .openapi('OrganisationMemberPage'),
        ),
      },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) =>
    c.json(await listOrganisationPeople(actorDepsOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
);
