import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { csv } from '../organisations/organisations.schemas';
import { NOTIFICATION_PRIORITIES, NOTIFICATION_TYPES } from './notifications.catalog';
import { wireNotificationSchema } from './notifications.protocol';

export const notificationSchema = wireNotificationSchema.openapi('Notification', {
  description: 'A notification of the caller, rendered in their language when it was created',
});

export const notificationPageSchema = z
  .object({ data: z.array(notificationSchema), nextCursor: z.string().nullable() })
  .openapi('NotificationPage');

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

export const listNotificationsQuery = z.object({
  status: z
    .enum(['unread', 'read', 'all'])
    .default('all')
    .openapi({ description: 'unread, read or all (default)' }),
  archived: booleanQuery
    .optional()
    .openapi({ description: 'true: only archived ones; default: not archived' }),
  type: csv(z.enum(NOTIFICATION_TYPES)).optional().openapi({ example: 'task_assigned,mention' }),
  priority: csv(z.enum(NOTIFICATION_PRIORITIES)).optional().openapi({ example: 'high,urgent' }),
  ...paginationQuery,
});

export const unreadCountSchema = z.object({ count: z.number().int().nonnegative() }).openapi('UnreadCount');

export const idsBodySchema = z.object({ ids: z.array(z.uuid()).min(1).max(200) }).openapi('NotificationIds');

export const readResultSchema = z
  .object({
    ids: z.union([z.array(z.uuid()), z.literal('all')]).openapi({ description: 'The ids that changed' }),
    unread: z.number().int().nonnegative(),
  })
  .openapi('NotificationReadResult');

export const archiveResultSchema = z
  .object({ ids: z.array(z.uuid()), unread: z.number().int().nonnegative() })
  .openapi('NotificationArchiveResult');

export const preferenceSchema = z
  .object({
    type: z.enum(NOTIFICATION_TYPES),
    inApp: z.boolean().openapi({ description: 'Shown in the bell and pushed live' }),
    email: z.boolean().openapi({ description: 'Also sent by email when urgent (used by the email feature)' }),
  })
  .openapi('NotificationPreference');

export const preferencesSchema = z
  .object({ data: z.array(preferenceSchema) })
  .openapi('NotificationPreferences');

export const updatePreferencesSchema = z
  .object({
    preferences: z
      .array(
        z.object({
          type: z.enum(NOTIFICATION_TYPES),
          inApp: z.boolean().optional(),
          email: z.boolean().optional(),
        }),
      )
      .min(1)
      .max(NOTIFICATION_TYPES.length),
  })
  .openapi('NotificationPreferencesUpdate');

export const ticketSchema = z
  .object({
    ticket: z.string().openapi({ description: 'Single use; pass as ?ticket= to /ws/notifications' }),
    expiresInSeconds: z.number().int(),
    url: z.string().openapi({ example: '/ws/notifications?ticket=…' }),
  })
  .openapi('NotificationTicket');
