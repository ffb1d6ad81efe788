import type { Task } from '../../worker/modules/tasks/tasks.service';
import { oneOf, TASK_PRIORITIES, TASK_STATUSES } from './crm.constants';
import { taskForm, versionOf } from './crm.forms';
import {
  type ActorDeps,
  createTask,
  createTaskSchema,
  etagOf,
  organisationNames,
  updateTask,
  userNames,
} from './crm.server';
import { crmFailure, parseSubmission } from './crm-actions.server';
import { isUuid } from './crm-list';
import { invalidForm } from './errors.server';
import type { Translate } from './i18n';
import type { CrmTranslate } from './i18n-crm';

/** The intents of the complete / reopen buttons (any page listing tasks handles them). */
export const TASK_STATUS_INTENTS = ['completeTask', 'reopenTask'] as const;

export function isTaskStatusIntent(intent: string): intent is (typeof TASK_STATUS_INTENTS)[number] {
  return (TASK_STATUS_INTENTS as readonly string[]).includes(intent);
}

/** What a task row shows: the task with names for its links. */
export async function taskRows(deps: ActorDeps, tasks: Task[]) {
  const [organisations, users] = await Promise.all([
    organisationNames(
      deps,
      tasks.map((task) => task.organisationId),
    ),
    userNames(
      deps,
      tasks.map((task) => task.assigneeId),
    ),
  ]);
  return tasks.map((task) => ({
    id: task.id,
    title: task.title,
    dueDate: task.dueDate,
    priority: oneOf(TASK_PRIORITIES, task.priority, 'normal'),
    status: oneOf(TASK_STATUSES, task.status, 'todo'),
    version: task.version,
    assigneeName: task.assigneeId ? (users[task.assigneeId] ?? null) : null,
    organisation:
      task.organisationId && organisations[task.organisationId]
        ? { id: task.organisationId, name: organisations[task.organisationId] ?? '' }
        : null,
  }));
}

export type TaskRow = Awaited<ReturnType<typeof taskRows>>[number];

/**
 * Completes or reopens a task from a list (If-Match with the version the row
 * was rendered from). Answers data for the list's fetcher, or a plain form post.
 */
export async function taskStatusAction(
  deps: ActorDeps,
  form: FormData,
  request: Request,
  { t, ct }: { t: Translate; ct: CrmTranslate },
) {
  const intent = String(form.get('intent'));
  const id = form.get('id');
  const title = String(form.get('title') ?? '').slice(0, 300);
  if (!isUuid(id)) {
    return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {}, intent });
  }
  const version = versionOf(form);
  try {
    const task = await updateTask(
      deps,
      id,
      { status: intent === 'completeTask' ? 'done' : 'todo' },
      version ? etagOf(version) : undefined,
    );
    return {
      ok: true as const,
      intent,
      id,
      message: ct(intent === 'completeTask' ? 'tasks.completed' : 'tasks.reopened', { title: task.title }),
    };
  } catch (error) {
    return crmFailure(error, request, {
      t,
      ct,
      intent,
      id,
      conflictMessage: ct('tasks.conflict', { title }),
    });
  }
}

/** "Nouvelle tâche" from a record's page: linked to that record, assigned to the author. */
export async function createTaskAction(
  deps: ActorDeps,
  form: FormData,
  request: Request,
  { t, ct }: { t: Translate; ct: CrmTranslate },
  links: { organisationId?: string; personId?: string; mandateId?: string },
) {
  const intent = 'createTask';
  const parsed = parseSubmission(taskForm(ct), createTaskSchema, form, t, { intent, extra: links });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    const task = await createTask(deps, parsed.data);
    return { ok: true as const, intent, id: task.id, message: ct('tasks.created', { title: task.title }) };
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent });
  }
}
