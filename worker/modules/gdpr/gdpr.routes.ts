import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, json, problemResponses } from '../../lib/openapi';
import { etagOf } from '../../lib/records';
import { personSchema } from '../people/people.schemas';
import { gdprExportSchema } from './gdpr.schemas';
import { erasePerson, exportPerson } from './gdpr.service';

const TAG = 'GDPR';

/** Mounted on `/api/v1/people` beside the people module's own routes. */
export const gdprRoutes = createRouter();

gdprRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/gdpr-export',
    tags: [TAG],
    summary: 'Everything held about a person, as one JSON document (subject access; audited)',
    request: { params: idParam },
    responses: {
      200: {
        description: 'The export, as an attachment',
        headers: { 'Content-Disposition': { schema: { type: 'string' as const } } },
        content: json(gdprExportSchema),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const exported = await exportPerson(actorDepsOf(c), id);
    c.header('Content-Disposition', `attachment; filename="person-${id}.json"`);
    c.header('Cache-Control', 'no-store');
    return c.json(exported, 200);
  },
);

gdprRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/erase',
    tags: [TAG],
    summary: 'Anonymise a person in place (right to erasure; irreversible; audited)',
    description:
      'Personal fields are blanked, consent becomes withdrawn, past history and events lose their values. ' +
      'Interactions, tasks and affiliations stay, linked to the anonymised person. 409 if already erased.',
    request: {
      params: idParam,
      headers: z.object({
        'if-match': z.string().max(100).optional().openapi({
          example: '"v3"',
          description: 'ETag from a previous read; 412 if the record changed since',
        }),
      }),
    },
    responses: {
      200: {
        description: 'The anonymised person',
        headers: { ETag: { schema: { type: 'string' as const } } },
        content: json(personSchema),
      },
      ...problemResponses(401, 403, 404, 409, 412),
    },
  }),
  async (c) => {
    const erased = await erasePerson(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(erased.version));
    return c.json(erased, 200);
  },
);
