import type { RoleId } from '../../../worker/modules/identity/permissions';
import { json, type MatrixContext, type MatrixRoute } from '../support/authorization-matrix';
import { testDbHandle } from '../support/helpers';
import { createRecordAs } from '../support/records';

/** Email assets are firm-wide (no owner dimension): permission decides, scope only narrows audiences. */
const READ: RoleId[] = ['admin', 'manager', 'user', 'viewer'];
const WRITE: RoleId[] = ['admin', 'manager', 'user'];
const MANAGE: RoleId[] = ['admin', 'manager'];
const allow = (roles: RoleId[], ok: number) => (role: RoleId) => (roles.includes(role) ? ok : 403);

async function sql<T>(ctx: MatrixContext, text: string, values: unknown[]): Promise<T> {
  const handle = testDbHandle(ctx.fx.databaseUrl);
  try {
    const result = await handle.pool.query(text, values);
    return result.rows[0] as T;
  } finally {
    await handle.close();
  }
}

const BLOCKS = JSON.stringify([{ id: 'h', type: 'heading', text: 'Bonjour', level: 1, align: 'left' }]);
const owner = (ctx: MatrixContext) => ctx.fx.users.admin.id;

const templateOf = async (ctx: MatrixContext) =>
  (
    await sql<{ id: string }>(
      ctx,
      `insert into email_templates (name, subject, blocks, html, text, owner_id) values ('M', 'S', $1, '<p>x</p>', 'x', $2) returning id`,
      [BLOCKS, owner(ctx)],
    )
  ).id;

const segmentOf = async (ctx: MatrixContext, kind = 'dynamic') =>
  (
    await sql<{ id: string }>(
      ctx,
      `insert into email_segments (name, kind, filters, owner_id) values ('M', $1, '{"tags":["matrix-none"]}', $2) returning id`,
      [kind, owner(ctx)],
    )
  ).id;

const campaignOf = async (ctx: MatrixContext, status = 'draft') => {
  const segmentId = await segmentOf(ctx);
  const templateId = await templateOf(ctx);
  const { id } = await sql<{ id: string }>(
    ctx,
    `insert into email_campaigns (name, segment_id, from_name, from_email, status, owner_id) values ('M', $1, 'A', 'a@alforis.fr', $2, $3) returning id`,
    [segmentId, status, owner(ctx)],
  );
  await sql(
    ctx,
    `insert into email_campaign_variants (campaign_id, label, subject, template_id) values ($1, 'A', 'S', $2)`,
    [id, templateId],
  );
  return { id, segmentId, templateId };
};

const sequenceOf = async (ctx: MatrixContext) =>
  (
    await sql<{ id: string }>(
      ctx,
      `insert into email_sequences (name, from_name, from_email, owner_id) values ('M', 'A', 'a@alforis.fr', $1) returning id`,
      [owner(ctx)],
    )
  ).id;

const personOf = (ctx: MatrixContext) =>
  createRecordAs(ctx.fx, 'admin', 'people', { firstName: 'M', lastName: 'X' });

export const EMAIL_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/email/templates',
    request: () => ({ path: '/api/v1/email/templates' }),
    expect: allow(READ, 200),
  },
  {
    route: 'GET /api/v1/email/templates/starters',
    request: () => ({ path: '/api/v1/email/templates/starters' }),
    expect: allow(READ, 200),
  },
  {
    route: 'POST /api/v1/email/templates',
    request: () => ({
      path: '/api/v1/email/templates',
      init: json('POST', { name: 'M', subject: 'S', blocks: JSON.parse(BLOCKS) }),
    }),
    expect: allow(WRITE, 201),
  },
  {
    route: 'POST /api/v1/email/templates/preview',
    request: () => ({
      path: '/api/v1/email/templates/preview',
      init: json('POST', { subject: 'S', blocks: [] }),
    }),
    expect: allow(READ, 200),
  },
  {
    route: 'GET /api/v1/email/templates/{id}',
    request: async (ctx) => ({ path: `/api/v1/email/templates/${await templateOf(ctx)}` }),
    expect: allow(READ, 200),
  },
  {
    route: 'PATCH /api/v1/email/templates/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/templates/${await templateOf(ctx)}`,
      init: json('PATCH', { name: 'N' }),
    }),
    expect: allow(WRITE, 200),
  },
  {
    route: 'DELETE /api/v1/email/templates/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/templates/${await templateOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: allow(MANAGE, 204),
  },
  {
    route: 'GET /api/v1/email/segments',
    request: () => ({ path: '/api/v1/email/segments' }),
    expect: allow(READ, 200),
  },
  {
    route: 'POST /api/v1/email/segments',
    request: () => ({ path: '/api/v1/email/segments', init: json('POST', { name: 'M', filters: {} }) }),
    expect: allow(WRITE, 201),
  },
  {
    route: 'POST /api/v1/email/segments/count',
    request: () => ({ path: '/api/v1/email/segments/count', init: json('POST', { tags: ['x'] }) }),
    expect: allow(READ, 200),
  },
  {
    route: 'GET /api/v1/email/segments/{id}',
    request: async (ctx) => ({ path: `/api/v1/email/segments/${await segmentOf(ctx)}` }),
    expect: allow(READ, 200),
  },
  {
    route: 'PATCH /api/v1/email/segments/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/segments/${await segmentOf(ctx)}`,
      init: json('PATCH', { name: 'N' }),
    }),
    expect: allow(WRITE, 200),
  },
  {
    route: 'DELETE /api/v1/email/segments/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/segments/${await segmentOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: allow(MANAGE, 204),
  },
  {
    route: 'GET /api/v1/email/segments/{id}/count',
    request: async (ctx) => ({ path: `/api/v1/email/segments/${await segmentOf(ctx)}/count` }),
    expect: allow(READ, 200),
  },
  {
    route: 'POST /api/v1/email/segments/{id}/members',
    request: async (ctx) => ({
      path: `/api/v1/email/segments/${await segmentOf(ctx, 'static')}/members`,
      init: json('POST', { csv: 'nobody@matrix.example' }),
    }),
    expect: allow(WRITE, 200),
  },
  {
    route: 'DELETE /api/v1/email/segments/{id}/members/{personId}',
    request: async (ctx) => ({
      path: `/api/v1/email/segments/${await segmentOf(ctx, 'static')}/members/${await personOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: allow(WRITE, 204),
  },
  {
    route: 'GET /api/v1/email/campaigns',
    request: () => ({ path: '/api/v1/email/campaigns' }),
    expect: allow(READ, 200),
  },
  {
    route: 'POST /api/v1/email/campaigns',
    request: async (ctx) => ({
      path: '/api/v1/email/campaigns',
      init: json('POST', {
        name: 'M',
        segmentId: await segmentOf(ctx),
        variants: [{ label: 'A', subject: 'S', templateId: await templateOf(ctx) }],
      }),
    }),
    expect: allow(WRITE, 201),
  },
  {
    route: 'GET /api/v1/email/campaigns/{id}',
    request: async (ctx) => ({ path: `/api/v1/email/campaigns/${(await campaignOf(ctx)).id}` }),
    expect: allow(READ, 200),
  },
  {
    route: 'PATCH /api/v1/email/campaigns/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/campaigns/${(await campaignOf(ctx)).id}`,
      init: json('PATCH', { name: 'N' }),
    }),
    expect: allow(WRITE, 200),
  },
  {
    route: 'DELETE /api/v1/email/campaigns/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/campaigns/${(await campaignOf(ctx)).id}`,
      init: { method: 'DELETE' },
    }),
    expect: allow(MANAGE, 204),
  },
  {
    route: 'POST /api/v1/email/campaigns/{id}/send',
    request: async (ctx) => ({
      path: `/api/v1/email/campaigns/${(await campaignOf(ctx)).id}/send`,
      init: { method: 'POST' },
    }),
    expect: allow(MANAGE, 200),
  },
  {
    route: 'POST /api/v1/email/campaigns/{id}/pause',
    request: async (ctx) => ({
      path: `/api/v1/email/campaigns/${(await campaignOf(ctx, 'sending')).id}/pause`,
      init: { method: 'POST' },
    }),
    expect: allow(MANAGE, 200),
  },
  {
    route: 'POST /api/v1/email/campaigns/{id}/resume',
    request: async (ctx) => ({
      path: `/api/v1/email/campaigns/${(await campaignOf(ctx, 'paused')).id}/resume`,
      init: { method: 'POST' },
    }),
    expect: allow(MANAGE, 200),
  },
  {
    route: 'POST /api/v1/email/campaigns/{id}/cancel',
    request: async (ctx) => ({
      path: `/api/v1/email/campaigns/${(await campaignOf(ctx)).id}/cancel`,
      init: { method: 'POST' },
    }),
    expect: allow(MANAGE, 200),
  },
  {
    route: 'POST /api/v1/email/campaigns/{id}/schedule',
    request: async (ctx) => ({
      path: `/api/v1/email/campaigns/${(await campaignOf(ctx)).id}/schedule`,
      init: json('POST', { at: new Date(Date.now() + 86_400_000).toISOString() }),
    }),
    expect: allow(MANAGE, 200),
  },
  {
    route: 'GET /api/v1/email/campaigns/{id}/analytics',
    request: async (ctx) => ({ path: `/api/v1/email/campaigns/${(await campaignOf(ctx)).id}/analytics` }),
    expect: allow(READ, 200),
  },
  {
    route: 'GET /api/v1/email/events',
    request: () => ({ path: '/api/v1/email/events' }),
    expect: allow(READ, 200),
  },
  {
    route: 'GET /api/v1/email/suppressions',
    request: () => ({ path: '/api/v1/email/suppressions' }),
    expect: allow(READ, 200),
  },
  {
    route: 'POST /api/v1/email/suppressions',
    request: () => ({
      path: '/api/v1/email/suppressions',
      init: json('POST', { email: `m-${crypto.randomUUID()}@x.example` }),
    }),
    expect: allow(MANAGE, 201),
  },
  {
    route: 'DELETE /api/v1/email/suppressions/{email}',
    request: async (ctx) => {
      const email = `m-${crypto.randomUUID()}@x.example`;
      await sql(ctx, `insert into email_suppressions (email, reason) values ($1, 'manual')`, [email]);
      return { path: `/api/v1/email/suppressions/${encodeURIComponent(email)}`, init: { method: 'DELETE' } };
    },
    expect: allow(MANAGE, 204),
  },
  {
    route: 'GET /api/v1/email/sequences',
    request: () => ({ path: '/api/v1/email/sequences' }),
    expect: allow(READ, 200),
  },
  {
    route: 'POST /api/v1/email/sequences',
    request: () => ({
      path: '/api/v1/email/sequences',
      init: json('POST', { name: 'M', steps: [{ kind: 'wait', amount: 1, unit: 'days' }] }),
    }),
    expect: allow(WRITE, 201),
  },
  {
    route: 'GET /api/v1/email/sequences/{id}',
    request: async (ctx) => ({ path: `/api/v1/email/sequences/${await sequenceOf(ctx)}` }),
    expect: allow(READ, 200),
  },
  {
    route: 'PATCH /api/v1/email/sequences/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/sequences/${await sequenceOf(ctx)}`,
      init: json('PATCH', { name: 'N' }),
    }),
    expect: allow(WRITE, 200),
  },
  {
    route: 'DELETE /api/v1/email/sequences/{id}',
    request: async (ctx) => ({
      path: `/api/v1/email/sequences/${await sequenceOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: allow(MANAGE, 204),
  },
  {
    route: 'GET /api/v1/email/sequences/{id}/enrolments',
    request: async (ctx) => ({ path: `/api/v1/email/sequences/${await sequenceOf(ctx)}/enrolments` }),
    expect: allow(READ, 200),
  },
  {
    route: 'POST /api/v1/email/sequences/{id}/enrolments',
    request: async (ctx) => ({
      path: `/api/v1/email/sequences/${await sequenceOf(ctx)}/enrolments`,
      init: json('POST', { personIds: [await personOf(ctx)] }),
    }),
    expect: allow(MANAGE, 200),
  },
  {
    route: 'POST /api/v1/email/sequences/{id}/enrolments/{enrolmentId}/stop',
    request: async (ctx) => {
      const sequenceId = await sequenceOf(ctx);
      const { id } = await sql<{ id: string }>(
        ctx,
        `insert into email_enrolments (sequence_id, person_id) values ($1, $2) returning id`,
        [sequenceId, await personOf(ctx)],
      );
      return {
        path: `/api/v1/email/sequences/${sequenceId}/enrolments/${id}/stop`,
        init: { method: 'POST' },
      };
    },
    expect: allow(MANAGE, 200),
  },
];
