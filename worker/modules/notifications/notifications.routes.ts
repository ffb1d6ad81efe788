import { createRoute } from '@hono/zod-openapi';
import { actorOf, createRouter } from '../../lib/context';
import { json, problemResponses } from '../../lib/openapi';
import { hubNamespace, hubPublisher } from './notifications.hub';
import {
  archiveResultSchema,
  idsBodySchema,
  listNotificationsQuery,
  notificationPageSchema,
  preferencesSchema,
  readResultSchema,
  ticketSchema,
  unreadCountSchema,
  updatePreferencesSchema,
} from './notifications.schemas';
import {
  archive,
  getPreferences,
  listNotifications,
  markRead,
  unreadCount,
  updatePreferences,
} from './notifications.service';

const TAG = 'Notifications';

/** Every route acts on the caller's own notifications only: the recipient is always the caller. */
export const notificationsRoutes = createRouter();

notificationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'Your notifications, newest first (expired ones are never listed)',
    request: { query: listNotificationsQuery },
    responses: {
      200: { description: 'A page', content: json(notificationPageSchema) },
      ...problemResponses(401, 422),
    },
  }),
  async (c) =>
    c.json(await listNotifications(c.var.dbHandle.db, actorOf(c).userId, c.req.valid('query')), 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/unread-count',
    tags: [TAG],
    summary: 'How many of your notifications are unread (and not archived)',
    responses: {
      200: { description: 'The count', content: json(unreadCountSchema) },
      ...problemResponses(401),
    },
  }),
  async (c) => c.json({ count: await unreadCount(c.var.dbHandle.db, actorOf(c).userId) }, 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/read',
    tags: [TAG],
    summary: 'Mark some of your notifications read (your other tabs update live)',
    request: { body: { required: true, content: json(idsBodySchema) } },
    responses: {
      200: { description: 'What changed', content: json(readResultSchema) },
      ...problemResponses(401, 422),
    },
  }),
  async (c) =>
    c.json(
      await markRead(
        c.var.dbHandle.db,
        hubPublisher(c.env, c.var.log),
        actorOf(c).userId,
        c.req.valid('json').ids,
      ),
      200,
    ),
);

notificationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/read-all',
    tags: [TAG],
    summary: 'Mark all your notifications read',
    responses: { 200: { description: 'Done', content: json(readResultSchema) }, ...problemResponses(401) },
  }),
  async (c) =>
    c.json(await markRead(c.var.dbHandle.db, hubPublisher(c.env, c.var.log), actorOf(c).userId, 'all'), 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/archive',
    tags: [TAG],
    summary: 'Archive some of your notifications (listed with ?archived=true)',
    request: { body: { required: true, content: json(idsBodySchema) } },
    responses: {
      200: { description: 'What changed', content: json(archiveResultSchema) },
      ...problemResponses(401, 422),
    },
  }),
  async (c) =>
    c.json(
      await archive(
        c.var.dbHandle.db,
        hubPublisher(c.env, c.var.log),
        actorOf(c).userId,
        c.req.valid('json').ids,
      ),
      200,
    ),
);

notificationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/preferences',
    tags: [TAG],
    summary: 'Your choices per notification type (in-app, email)',
    responses: {
      200: { description: 'Every type', content: json(preferencesSchema) },
      ...problemResponses(401),
    },
  }),
  async (c) => c.json({ data: await getPreferences(c.var.dbHandle.db, actorOf(c).userId) }, 200),
);

notificationsRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/preferences',
    tags: [TAG],
    summary: 'Change your choices for some types (others keep theirs)',
    request: { body: { required: true, content: json(updatePreferencesSchema) } },
    responses: {
      200: { description: 'Every type', content: json(preferencesSchema) },
      ...problemResponses(401, 422),
    },
  }),
  async (c) =>
    c.json(
      {
        data: await updatePreferences(c.var.dbHandle.db, actorOf(c).userId, c.req.valid('json').preferences),
      },
      200,
    ),
);

notificationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/ticket',
    tags: [TAG],
    summary: 'A single-use ticket (30 s) to open /ws/notifications without the session cookie',
    responses: { 201: { description: 'The ticket', content: json(ticketSchema) }, ...problemResponses(401) },
  }),
  async (c) => {
    const userId = actorOf(c).userId;
    const secret = await hubNamespace(c.env).getByName(userId).issueTicket();
    const ticket = `${userId}.${secret}`;
    return c.json(
      { ticket, expiresInSeconds: 30, url: `/ws/notifications?ticket=${encodeURIComponent(ticket)}` },
      201,
    );
  },
);
