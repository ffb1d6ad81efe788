import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { csv } from '../organisations/organisations.schemas';

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TASK_STATUSES = ['todo', 'in_progress', 'done', 'cancelled'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Statuses still to be worked on: the ones that can be overdue. */
export const OPEN_TASK_STATUSES: TaskStatus[] = ['todo', 'in_progress'];

const link = (description: string) => z.uuid().nullable().optional().openapi({ description });

export const taskInput = z.object({
  title: z.string().trim().min(1).max(300).openapi({ example: 'Envoyer le reporting trimestriel' }),
  description: z.string().trim().max(20_000).nullable().optional(),
  dueDate: z.iso.date().nullable().optional().openapi({ example: '2026-04-15' }),
  priority: z.enum(TASK_PRIORITIES).optional().openapi({ description: 'Default normal' }),
  status: z.enum(TASK_STATUSES).optional().openapi({ description: 'Default todo; done stamps completedAt' }),
  assigneeId: z.uuid().nullable().optional().openapi({
    description:
      'An active user; default you. Assigning to someone outside your team needs tasks:manage; null: unassigned',
  }),
  organisationId: link('An organisation you can see'),
  personId: link('A person you can see'),
  mandateId: link('A mandate you can see'),
  ownerId: z.uuid().optional().openapi({ description: 'Reassigning needs tasks:manage' }),
  teamId: z.uuid().nullable().optional(),
});

export const createTaskSchema = taskInput.openapi('CreateTask');
export const updateTaskSchema = taskInput
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdateTask');

export type CreateTaskInput = z.infer<typeof createTaskSchema>;
export type UpdateTaskInput = z.infer<typeof updateTaskSchema>;

export const taskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    dueDate: z.iso.date().nullable(),
    priority: z.enum(TASK_PRIORITIES),
    status: z.enum(TASK_STATUSES),
    assigneeId: z.uuid().nullable(),
    organisationId: z.uuid().nullable(),
    personId: z.uuid().nullable(),
    mandateId: z.uuid().nullable(),
    completedAt: z.iso.datetime().nullable(),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi('Task');

export const listTasksQuery = z.object({
  ...paginationQuery,
  sort: z.string().max(30).optional().openapi({
    example: 'dueDate',
    description:
      'dueDate (default; no due date last), priority (low → urgent; -priority for most urgent first), createdAt, updatedAt; prefix - for descending',
  }),
  status: csv(z.enum(TASK_STATUSES)).optional().openapi({ example: 'todo,in_progress' }),
  priority: csv(z.enum(TASK_PRIORITIES)).optional(),
  assigneeId: z
    .union([z.literal('me'), z.uuid()])
    .optional()
    .openapi({ description: 'A user id, or me', example: 'me' }),
  organisationId: z.uuid().optional(),
  personId: z.uuid().optional(),
  mandateId: z.uuid().optional(),
  dueBefore: z.iso.date().optional().openapi({ description: 'Due on or before' }),
  dueAfter: z.iso.date().optional().openapi({ description: 'Due on or after' }),
  overdue: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ description: 'true: open (todo, in progress) and due before today (UTC)' }),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  deleted: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .openapi({ description: 'true: only deleted records (the bin)' }),
});

export type ListTasksQuery = z.infer<typeof listTasksQuery>;
