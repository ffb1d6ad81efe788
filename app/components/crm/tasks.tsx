import { type FetcherWithComponents, Link, useFetcher, useLocation } from '@remix-run/react';
import { FormAlert, Notice } from '~/components/form';
import type { TaskPriority, TaskStatus } from '~/lib/crm.constants';
import { formatDay } from '~/lib/crm-format';
import { useLocale } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';
import { Pill, PriorityPill, TaskStatusPill } from './badges';

/** A task as the lists show it (see taskRows in crm-tasks.server.ts). */
export interface TaskView {
  id: string;
  title: string;
  dueDate: string | null;
  priority: TaskPriority;
  status: TaskStatus;
  version: number;
  assigneeName: string | null;
  organisation: { id: string; name: string } | null;
}

type StatusResult =
  | { ok: true; intent: string; id: string; message: string }
  | { ok: false; formError: string | null; conflict?: boolean; id?: string };

type StatusFetcher = FetcherWithComponents<StatusResult>;

function isOpen(status: TaskStatus) {
  return status === 'todo' || status === 'in_progress';
}

/** Done or to do, as it will be once the pending submission (if any) lands. */
function shownStatus(task: TaskView, fetcher: StatusFetcher): TaskStatus {
  if (fetcher.formData?.get('id') !== task.id) return task.status;
  return fetcher.formData.get('intent') === 'completeTask' ? 'done' : 'todo';
}

function StatusButton({ task, fetcher }: { task: TaskView; fetcher: StatusFetcher }) {
  const t = useCrmT();
  const pending = fetcher.state !== 'idle' && fetcher.formData?.get('id') === task.id;
  const open = isOpen(task.status);
  const intent = open ? 'completeTask' : 'reopenTask';
  return (
    <fetcher.Form method="post" className="task-action">
      <input type="hidden" name="id" value={task.id} />
      <input type="hidden" name="version" value={task.version} />
      <input type="hidden" name="title" value={task.title} />
      <button
        type="submit"
        name="intent"
        value={intent}
        className={`button button--small ${open ? 'button--secondary' : 'button--ghost'}`}
        aria-label={t(open ? 'tasks.completeLabel' : 'tasks.reopenLabel', { title: task.title })}
        aria-disabled={pending || undefined}
        data-pending={pending || undefined}
        onClick={(event) => {
          if (pending) event.preventDefault();
        }}
      >
        {pending ? <span className="spinner" aria-hidden="true" /> : null}
        {open ? `✓ ${t('tasks.complete')}` : t('tasks.reopen')}
      </button>
    </fetcher.Form>
  );
}

function Due({ day, status, today }: { day: string | null; status: TaskStatus; today: string }) {
  const t = useCrmT();
  const locale = useLocale();
  if (!day) return <span className="muted">{t('tasks.noDue')}</span>;
  const overdue = isOpen(status) && day < today;
  return (
    <span className="due">
      <time dateTime={day}>{formatDay(locale, day)}</time>
      {overdue ? <Pill tone="danger">{t('tasks.overdue')}</Pill> : null}
      {isOpen(status) && day === today ? <Pill tone="warning">{t('tasks.dueToday')}</Pill> : null}
    </span>
  );
}

function Outcome({ fetcher }: { fetcher: StatusFetcher }) {
  const t = useCrmT();
  const { pathname, search } = useLocation();
  const result = fetcher.state === 'idle' ? fetcher.data : undefined;
  if (!result) return null;
  if (result.ok) return <Notice>{result.message}</Notice>;
  if (!result.formError) return null;
  if (!result.conflict) return <FormAlert message={result.formError} />;
  return (
    <div className="alert alert--error" role="alert">
      {result.formError} <Link to={`${pathname}${search}`}>{t('crm.reload')}</Link>
    </div>
  );
}

interface TaskListProps {
  tasks: TaskView[];
  /** Today in Paris (`YYYY-MM-DD`), from the loader, so server and browser agree. */
  today: string;
  caption: string;
  canUpdate: boolean;
  showOrganisation?: boolean;
  showAssignee?: boolean;
  /** A compact list (dashboard) instead of a table. */
  compact?: boolean;
}

/**
 * Tasks with a complete / reopen button each. The buttons post to the page's
 * own action (`completeTask` / `reopenTask`), through a fetcher when
 * JavaScript runs (the page stays put, the list revalidates), as a plain form
 * otherwise.
 */
export function TaskList({
  tasks,
  today,
  caption,
  canUpdate,
  showOrganisation = true,
  showAssignee = true,
  compact = false,
}: TaskListProps) {
  const t = useCrmT();
  const fetcher = useFetcher<StatusResult>() as StatusFetcher;

  if (compact) {
    return (
      <>
        <Outcome fetcher={fetcher} />
        <ul className="task-list" aria-label={caption}>
          {tasks.map((task) => {
            const status = shownStatus(task, fetcher);
            return (
              <li key={task.id} className="task-list__item" data-done={!isOpen(status) || undefined}>
                <div className="task-list__main">
                  <span className="task-list__title">{task.title}</span>
                  <span className="task-list__meta">
                    <Due day={task.dueDate} status={status} today={today} />
                    <PriorityPill priority={task.priority} />
                    {showOrganisation && task.organisation ? (
                      <Link to={`/organisations/${task.organisation.id}`}>{task.organisation.name}</Link>
                    ) : null}
                  </span>
                </div>
                {canUpdate ? <StatusButton task={task} fetcher={fetcher} /> : null}
              </li>
            );
          })}
        </ul>
      </>
    );
  }

  return (
    <>
      <Outcome fetcher={fetcher} />
      <div className="table-wrap">
        <table className="table table--stack table--cards">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tasks.col.title')}</th>
              <th scope="col">{t('tasks.col.due')}</th>
              <th scope="col">{t('tasks.col.priority')}</th>
              <th scope="col">{t('tasks.col.status')}</th>
              {showAssignee ? <th scope="col">{t('tasks.col.assignee')}</th> : null}
              {canUpdate ? (
                <th scope="col">
                  <span className="visually-hidden">{t('crm.edit')}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => {
              const status = shownStatus(task, fetcher);
              return (
                <tr key={task.id} data-done={!isOpen(status) || undefined}>
                  <th scope="row">
                    <span className="record-name">
                      <span className="task-title">{task.title}</span>
                      {showOrganisation && task.organisation ? (
                        <Link to={`/organisations/${task.organisation.id}`} className="record-name__meta">
                          {task.organisation.name}
                        </Link>
                      ) : null}
                    </span>
                  </th>
                  <td data-label={t('tasks.col.due')}>
                    <Due day={task.dueDate} status={status} today={today} />
                  </td>
                  <td data-label={t('tasks.col.priority')}>
                    <PriorityPill priority={task.priority} />
                  </td>
                  <td data-label={t('tasks.col.status')}>
                    <TaskStatusPill status={status} />
                  </td>
                  {showAssignee ? (
                    <td data-label={t('tasks.col.assignee')}>{task.assigneeName ?? t('tasks.unassigned')}</td>
                  ) : null}
                  {canUpdate ? (
                    <td className="table__actions">
                      <StatusButton task={task} fetcher={fetcher} />
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
