import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, actorOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { etagOf } from '../../lib/records';
import { assertPermission } from '../identity/actor';
import {
  audienceCountSchema,
  createSegmentSchema,
  createTemplateSchema,
  listMembersInput,
  listMembersResult,
  listQuery,
  previewTemplateSchema,
  renderedSchema,
  segmentFilters,
  segmentSchema,
  starterSchema,
  templateSchema,
  templateSummarySchema,
  updateSegmentSchema,
  updateTemplateSchema,
} from './email.schemas';
import {
  addListMembers,
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewAudience,
  removeListMember,
  segmentAudience,
  updateSegment,
} from './email.segments.service';
import { STARTER_TEMPLATES } from './email.starters';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  previewTemplate,
  updateTemplate,
} from './email.templates.service';

const TAG = 'Email';

/** `/api/v1/email/*`: templates, audiences, campaigns, sequences, events, suppressions, analytics. */
export const emailRoutes = createRouter();

const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

// ------------------------------------------------------------------ templates

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/templates',
    tags: [TAG],
    summary: 'List email templates (most recently edited first)',
    request: { query: listQuery },
    responses: {
      200: { description: 'A page', content: json(page(templateSummarySchema, 'EmailTemplatePage')) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listTemplates(actorDepsOf(c), c.req.valid('query')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/templates/starters',
    tags: [TAG],
    summary: 'The starter library: block documents to begin a template from',
    responses: {
      200: { description: 'Starters', content: json(z.object({ data: z.array(starterSchema) })) },
      ...problemResponses(401, 403),
    },
  }),
  (c) => {
    assertPermission(actorOf(c), 'emails', 'read');
    return c.json({ data: STARTER_TEMPLATES }, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/templates',
    tags: [TAG],
    summary: 'Create a template from blocks (rendered to responsive HTML, sanitised, plain text generated)',
    request: { body: { required: true, content: json(createTemplateSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(templateSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createTemplate(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/email/templates/${created.id}`);
    return c.json(created, 201);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/templates/preview',
    tags: [TAG],
    summary: 'Render blocks without saving, optionally with a person’s variables',
    request: { body: { required: true, content: json(previewTemplateSchema) } },
    responses: {
      200: { description: 'Rendered', content: json(renderedSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await previewTemplate(actorDepsOf(c), c.req.valid('json')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/templates/{id}',
    tags: [TAG],
    summary: 'Get a template with its blocks, HTML and text',
    request: { params: idParam },
    responses: {
      200: { description: 'The template', headers: withEtag, content: json(templateSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const template = await getTemplate(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(template.version));
    return c.json(template, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/templates/{id}',
    tags: [TAG],
    summary: 'Update a template (re-rendered); If-Match avoids lost updates',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateTemplateSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(templateSchema) },
      ...problemResponses(401, 403, 404, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateTemplate(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/templates/{id}',
    tags: [TAG],
    summary: 'Delete a template',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    await deleteTemplate(actorDepsOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);

// ------------------------------------------------------------------ segments and static lists

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/segments',
    tags: [TAG],
    summary: 'List segments and static lists',
    request: { query: listQuery },
    responses: {
      200: { description: 'A page', content: json(page(segmentSchema, 'EmailSegmentPage')) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listSegments(actorDepsOf(c), c.req.valid('query')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/segments',
    tags: [TAG],
    summary: 'Create a segment (saved filters) or a static list',
    request: { body: { required: true, content: json(createSegmentSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(segmentSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createSegment(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/email/segments/${created.id}`);
    return c.json(created, 201);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/segments/count',
    tags: [TAG],
    summary: 'Live count of unsaved filters (non-consenting, suppressed and address-less people excluded)',
    request: { body: { required: true, content: json(segmentFilters) } },
    responses: {
      200: { description: 'Count', content: json(audienceCountSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await previewAudience(actorDepsOf(c), c.req.valid('json')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/segments/{id}',
    tags: [TAG],
    summary: 'Get a segment',
    request: { params: idParam },
    responses: {
      200: { description: 'The segment', headers: withEtag, content: json(segmentSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const segment = await getSegment(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(segment.version));
    return c.json(segment, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/segments/{id}',
    tags: [TAG],
    summary: 'Update a segment’s name, description or filters',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateSegmentSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(segmentSchema) },
      ...problemResponses(401, 403, 404, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateSegment(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/segments/{id}',
    tags: [TAG],
    summary: 'Delete a segment',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    await deleteSegment(actorDepsOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/segments/{id}/count',
    tags: [TAG],
    summary: 'Live count of a segment’s recipients, with exclusions by reason and a sample',
    request: { params: idParam },
    responses: {
      200: { description: 'Count', content: json(audienceCountSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await segmentAudience(actorDepsOf(c), c.req.valid('param').id), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/segments/{id}/members',
    tags: [TAG],
    summary: 'Add people to a static list, by id or from CSV text holding addresses',
    request: { params: idParam, body: { required: true, content: json(listMembersInput) } },
    responses: {
      200: { description: 'Added', content: json(listMembersResult) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) =>
    c.json(await addListMembers(actorDepsOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/segments/{id}/members/{personId}',
    tags: [TAG],
    summary: 'Remove a person from a static list',
    request: {
      params: idParam.extend({ personId: z.uuid().openapi({ param: { name: 'personId', in: 'path' } }) }),
    },
    responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    const { id, personId } = c.req.valid('param');
    await removeListMember(actorDepsOf(c), id, personId);
    return c.body(null, 204);
  },
);
