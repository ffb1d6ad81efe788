import { z } from 'zod';
import { NOTIFICATION_PRIORITIES, NOTIFICATION_TYPES } from './notifications.catalog';

/**
 * The WebSocket protocol of /ws/notifications, version 1. Shared by the hub
 * (validation) and the browser client (parsing), so both sides agree by type.
 *
 * Every server frame is `{ v: 1, messages: [...] }`: several messages travel in
 * one frame. The client's first message is `resume` with the cursor it holds
 * (null on a first visit); the hub answers with what was missed since then.
 */
export const PROTOCOL_VERSION = 1;

export const wireNotificationSchema = z.object({
  id: z.uuid(),
  seq: z.number().int().nonnegative(),
  type: z.enum(NOTIFICATION_TYPES),
  priority: z.enum(NOTIFICATION_PRIORITIES),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  actorId: z.uuid().nullable(),
  entityType: z.string().nullable(),
  entityId: z.uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
  readAt: z.iso.datetime().nullable(),
  archivedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type WireNotification = z.infer<typeof wireNotificationSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), sessionId: z.string() }),
  z.object({
    type: z.literal('notifications'),
    items: z.array(wireNotificationSchema),
    /** Every notification up to this sequence number has been sent to this socket: resume from it. */
    cursor: z.number().int().nonnegative(),
    /** True for the catch-up answer to `resume`. */
    replay: z.boolean(),
    /** The catch-up was capped: reload the list rather than trust it is complete. */
    truncated: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('read'),
    /** The ids now read, or "all" (mark all read). */
    ids: z.union([z.array(z.uuid()), z.literal('all')]),
    readAt: z.iso.datetime(),
  }),
  z.object({ type: z.literal('archived'), ids: z.array(z.uuid()) }),
  z.object({ type: z.literal('unread'), count: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('error'),
    code: z.enum(['BAD_FRAME', 'UNSUPPORTED_VERSION', 'NOT_RESUMED', 'INTERNAL']),
    message: z.string(),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export const serverFrameSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  messages: z.array(serverMessageSchema),
});
export type ServerFrame = z.infer<typeof serverFrameSchema>;

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('resume'),
    cursor: z.number().int().nonnegative().nullable(),
  }),
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('ack'),
    cursor: z.number().int().nonnegative(),
  }),
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('read'),
    ids: z.array(z.uuid()).min(1).max(200),
  }),
  z.object({ v: z.literal(PROTOCOL_VERSION), type: z.literal('read_all') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Largest client frame the hub reads; anything bigger is refused with an error frame. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;

export function encodeFrame(messages: ServerMessage[]): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, messages } satisfies ServerFrame);
}
