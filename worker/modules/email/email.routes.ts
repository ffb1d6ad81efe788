import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, actorOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { etagOf } from '../../lib/records';
import { assertPermission } from '../identity/actor';
import { addSuppression, campaignAnalytics, listSuppressions, removeSuppression } from './email.analytics';
import {
  cancelCampaign,
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
  sendCampaignNow,
  updateCampaign,
} from './email.campaigns.service';
import { listEvents } from './email.events';
import {
  analyticsSchema,
  audienceCountSchema,
  campaignSchema,
  createCampaignSchema,
  createSegmentSchema,
  createSequenceSchema,
  createSuppressionSchema,
  createTemplateSchema,
  emailParam,
  enrolInput,
  enrolmentSchema,
  eventSchema,
  eventsQuery,
  listMembersInput,
  listMembersResult,
  listQuery,
  previewTemplateSchema,
  renderedSchema,
  scheduleSchema,
  segmentFilters,
  segmentSchema,
  sequenceSchema,
  starterSchema,
  suppressionSchema,
  templateSchema,
  templateSummarySchema,
  updateCampaignSchema,
  updateSegmentSchema,
  updateSequenceSchema,
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
import {
  createSequence,
  deleteSequence,
  enrol,
  getSequence,
  listEnrolments,
  listSequences,
  stopEnrolment,
  updateSequence,
} from './email.sequences.service';
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

// ------------------------------------------------------------------ campaigns

const campaignPage = page(campaignSchema, 'EmailCampaignPage');

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/campaigns',
    tags: [TAG],
    summary: 'List campaigns (most recently changed first)',
    request: { query: listQuery },
    responses: {
      200: { description: 'A page', content: json(campaignPage) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listCampaigns(actorDepsOf(c), c.req.valid('query')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/campaigns',
    tags: [TAG],
    summary: 'Create a draft campaign: a segment, one variant, or several with an A/B test',
    request: { body: { required: true, content: json(createCampaignSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(campaignSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createCampaign(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/email/campaigns/${created.id}`);
    return c.json(created, 201);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/campaigns/{id}',
    tags: [TAG],
    summary: 'Get a campaign with its variants and A/B outcome',
    request: { params: idParam },
    responses: {
      200: { description: 'The campaign', headers: withEtag, content: json(campaignSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const campaign = await getCampaign(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(campaign.version));
    return c.json(campaign, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/campaigns/{id}',
    tags: [TAG],
    summary: 'Edit a draft or scheduled campaign',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateCampaignSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(campaignSchema) },
      ...problemResponses(401, 403, 404, 409, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateCampaign(
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
    path: '/campaigns/{id}',
    tags: [TAG],
    summary: 'Delete a campaign that is not sending',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    await deleteCampaign(actorDepsOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);

const ACTIONS = {
  send: 'Send now (emails:manage): recipients are materialised and queued',
  pause: 'Pause sending; queued emails wait',
  resume: 'Resume a paused campaign',
  cancel: 'Cancel: queued emails are dropped',
} as const;

for (const [action, summary] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
  emailRoutes.openapi(
    createRoute({
      method: 'post',
      path: `/campaigns/{id}/${action}`,
      tags: [TAG],
      summary,
      request: { params: idParam },
      responses: {
        200: { description: 'The campaign', content: json(campaignSchema) },
        ...problemResponses(401, 403, 404, 409),
      },
    }),
    async (c) => {
      const deps = actorDepsOf(c);
      const { id } = c.req.valid('param');
      const campaign =
        action === 'send'
          ? await sendCampaignNow(deps, c.env, id)
          : action === 'pause'
            ? await pauseCampaign(deps, id)
            : action === 'resume'
              ? await resumeCampaign(deps, c.env, id)
              : await cancelCampaign(deps, id);
      return c.json(campaign, 200);
    },
  );
}

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/campaigns/{id}/schedule',
    tags: [TAG],
    summary: 'Schedule sending (the every-minute cron starts it when due)',
    request: { params: idParam, body: { required: true, content: json(scheduleSchema) } },
    responses: {
      200: { description: 'The campaign', content: json(campaignSchema) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) =>
    c.json(await scheduleCampaign(actorDepsOf(c), c.req.valid('param').id, c.req.valid('json').at), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/campaigns/{id}/analytics',
    tags: [TAG],
    summary:
      'Sent, delivered, unique human opens, unique clicks, CTR, bounces, unsubscribes, spam: total, per variant, per day',
    request: { params: idParam },
    responses: {
      200: { description: 'Analytics', content: json(analyticsSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await campaignAnalytics(actorDepsOf(c), c.req.valid('param').id), 200),
);

// ------------------------------------------------------------------ events and suppressions

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/events',
    tags: [TAG],
    summary: 'Email events (provider webhook and tracking), newest first',
    request: { query: eventsQuery },
    responses: {
      200: { description: 'A page', content: json(page(eventSchema, 'EmailEventPage')) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listEvents(actorDepsOf(c), c.req.valid('query')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/suppressions',
    tags: [TAG],
    summary: 'Addresses never mailed: unsubscribes, bounces, spam reports, manual',
    request: { query: z.object({ limit: listQuery.shape.limit, cursor: listQuery.shape.cursor }) },
    responses: {
      200: { description: 'A page', content: json(page(suppressionSchema, 'EmailSuppressionPage')) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const query = c.req.valid('query');
    return c.json(await listSuppressions(actorDepsOf(c), query.limit, query.cursor), 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/suppressions',
    tags: [TAG],
    summary: 'Suppress an address by hand',
    request: { body: { required: true, content: json(createSuppressionSchema) } },
    responses: {
      201: { description: 'Suppressed', content: json(suppressionSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    return c.json(await addSuppression(actorDepsOf(c), input.email, input.reason), 201);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/suppressions/{email}',
    tags: [TAG],
    summary: 'Lift a suppression (the person must have consented again)',
    request: { params: emailParam },
    responses: { 204: { description: 'Lifted' }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    await removeSuppression(actorDepsOf(c), c.req.valid('param').email);
    return c.body(null, 204);
  },
);

// ------------------------------------------------------------------ sequences

const sequencePage = page(sequenceSchema, 'EmailSequencePage');

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/sequences',
    tags: [TAG],
    summary: 'List drip sequences',
    responses: {
      200: { description: 'Sequences', content: json(sequencePage) },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json(await listSequences(actorDepsOf(c)), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/sequences',
    tags: [TAG],
    summary: 'Create a drip sequence (draft): steps, stop conditions, sending window',
    request: { body: { required: true, content: json(createSequenceSchema) } },
    responses: {
      201: { description: 'Created', content: json(sequenceSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await createSequence(actorDepsOf(c), c.req.valid('json')), 201),
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/sequences/{id}',
    tags: [TAG],
    summary: 'Get a sequence with its steps',
    request: { params: idParam },
    responses: {
      200: { description: 'The sequence', content: json(sequenceSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await getSequence(actorDepsOf(c), c.req.valid('param').id), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/sequences/{id}',
    tags: [TAG],
    summary: 'Edit a sequence; `status: active` (emails:manage) starts it, `paused` holds it',
    request: { params: idParam, body: { required: true, content: json(updateSequenceSchema) } },
    responses: {
      200: { description: 'Updated', content: json(sequenceSchema) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) =>
    c.json(await updateSequence(actorDepsOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/sequences/{id}',
    tags: [TAG],
    summary: 'Delete a sequence; active enrolments stop',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    await deleteSequence(actorDepsOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);

emailRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/sequences/{id}/enrolments',
    tags: [TAG],
    summary: 'Enrolments of a sequence and their state',
    request: { params: idParam },
    responses: {
      200: { description: 'Enrolments', content: json(page(enrolmentSchema, 'EmailEnrolmentPage')) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await listEnrolments(actorDepsOf(c), c.req.valid('param').id), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/sequences/{id}/enrolments',
    tags: [TAG],
    summary: 'Enrol people by hand or a segment (eligible recipients only)',
    request: { params: idParam, body: { required: true, content: json(enrolInput) } },
    responses: {
      200: { description: 'Enrolled', content: json(z.object({ enrolled: z.number().int() })) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => c.json(await enrol(actorDepsOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
);

emailRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/sequences/{id}/enrolments/{enrolmentId}/stop',
    tags: [TAG],
    summary: 'Stop one enrolment',
    request: {
      params: idParam.extend({
        enrolmentId: z.uuid().openapi({ param: { name: 'enrolmentId', in: 'path' } }),
      }),
    },
    responses: {
      200: { description: 'Stopped', content: json(enrolmentSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { id, enrolmentId } = c.req.valid('param');
    return c.json(await stopEnrolment(actorDepsOf(c), id, enrolmentId), 200);
  },
);
