import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useLocation, useSubmit } from '@remix-run/react';
import { EmptyState, ListRegion, Pagination } from '~/components/crm/list';
import { NewTask } from '~/components/crm/task-form';
import { TaskList } from '~/components/crm/tasks';
import { SelectField } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskStatus } from '~/lib/crm.constants';
import { AppError, hasPermission, listTasks } from '~/lib/crm.server';
import { addDays, todayInParis } from '~/lib/crm-format';
import { enumParam, listHref, param } from '~/lib/crm-list';
import { createTaskAction, isTaskStatusIntent, taskRows, taskStatusAction } from '~/lib/crm-tasks.server';
import { invalidForm, loaderGuard } from '~/lib/errors.server';
import { useT } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { pageTitle } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.tasks');

const PAGE_SIZE = 30;
const SCOPES = ['mine', 'all'] as const;
const STATUS_FILTERS = ['open', 'all', ...TASK_STATUSES] as const;
const DUE_FILTERS = ['overdue', 'today', 'week'] as const;
const SORTS = ['dueDate', '-priority', '-createdAt'] as const;

function statusesOf(filter: (typeof STATUS_FILTERS)[number]): TaskStatus[] | undefined {
  if (filter === 'all') return undefined;
  if (filter === 'open') return ['todo', 'in_progress'];
  return [filter];
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const url = new URL(request.url);
  const params = url.searchParams;
  const today = todayInParis();
  const filters = {
    scope: enumParam(params, 'scope', SCOPES) ?? 'mine',
    status: enumParam(params, 'status', STATUS_FILTERS) ?? 'open',
    priority: enumParam(params, 'priority', TASK_PRIORITIES),
    due: enumParam(params, 'due', DUE_FILTERS),
    sort: enumParam(params, 'sort', SORTS),
  };
  const cursor = param(params, 'cursor', 500);
  const page = await loaderGuard(request, async () => {
    try {
      return await listTasks(deps, {
        limit: PAGE_SIZE,
        cursor,
        assigneeId: filters.scope === 'mine' ? 'me' : undefined,
        status: statusesOf(filters.status),
        priority: filters.priority ? [filters.priority] : undefined,
        overdue: filters.due === 'overdue' ? true : undefined,
        dueAfter: filters.due === 'today' ? today : undefined,
        dueBefore: filters.due === 'today' ? today : filters.due === 'week' ? addDays(today, 7) : undefined,
        sort: filters.sort ?? 'dueDate',
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && cursor) {
        params.delete('cursor');
        params.delete('prev');
        throw redirect(`${url.pathname}?${params}`);
      }
      throw error;
    }
  });
  return {
    filters,
    today,
    tasks: await taskRows(deps, page.data),
    nextCursor: page.nextCursor,
    canCreate: hasPermission(deps.actor, 'tasks', 'create'),
    canUpdate: hasPermission(deps.actor, 'tasks', 'update'),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  if (isTaskStatusIntent(intent)) return taskStatusAction(deps, form, request, { t, ct });
  if (intent === 'createTask') return createTaskAction(deps, form, request, { t, ct }, {});
  return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
}

/** "Tâches": mine by default (open ones, soonest due first), or everything I can see. */
export default function Tasks() {
  const { filters, today, tasks, nextCursor, canCreate, canUpdate } = useLoaderData<typeof loader>();
  const t = useT();
  const ct = useCrmT();
  const submit = useSubmit();
  const { pathname, search } = useLocation();
  const autoSubmit = (event: { currentTarget: HTMLSelectElement }) =>
    submit(event.currentTarget.form, { preventScrollReset: true });
  const filtered = Boolean(filters.priority || filters.due || filters.status !== 'open' || filters.sort);

  return (
    <div className="page">
      <div className="page-bar">
        <header className="page-header page-header--compact">
          <h1>{t('nav.tasks')}</h1>
          <p className="lead">{ct('tasks.lead')}</p>
        </header>
      </div>

      <nav aria-label={ct('tasks.scope')} className="sub-nav">
        <ul>
          {SCOPES.map((scope) => (
            <li key={scope}>
              <Link
                to={listHref(pathname, search, { scope: scope === 'mine' ? null : scope })}
                className="sub-nav__link"
                aria-current={filters.scope === scope ? 'page' : undefined}
                preventScrollReset
              >
                {ct(scope === 'mine' ? 'tasks.mine' : 'tasks.everyone')}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {canCreate ? <NewTask /> : null}

      <Form
        method="get"
        className="filters crm-filters crm-filters--even"
        role="search"
        aria-label={t('common.filter')}
      >
        {filters.scope === 'all' ? <input type="hidden" name="scope" value="all" /> : null}
        <SelectField
          label={ct('tasks.filter.status')}
          name="status"
          defaultValue={filters.status}
          onChange={autoSubmit}
        >
          <option value="open">{ct('tasks.filter.open')}</option>
          <option value="all">{ct('tasks.filter.allStatuses')}</option>
          {TASK_STATUSES.map((status) => (
            <option key={status} value={status}>
              {ct(`taskStatus.${status}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={ct('tasks.filter.priority')}
          name="priority"
          defaultValue={filters.priority ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{ct('tasks.filter.allPriorities')}</option>
          {TASK_PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {ct(`taskPriority.${priority}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={ct('tasks.filter.due')}
          name="due"
          defaultValue={filters.due ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{ct('tasks.due.any')}</option>
          {DUE_FILTERS.map((due) => (
            <option key={due} value={due}>
              {ct(`tasks.due.${due}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={ct('crm.sortBy')}
          name="sort"
          defaultValue={filters.sort ?? ''}
          onChange={autoSubmit}
        >
          <option value="">{ct('tasks.sort.dueDate')}</option>
          {SORTS.filter((sort) => sort !== 'dueDate').map((sort) => (
            <option key={sort} value={sort}>
              {ct(`tasks.sort.${sort}`)}
            </option>
          ))}
        </SelectField>
        <div className="filters__actions">
          <button type="submit" className="button button--secondary">
            {t('common.filter')}
          </button>
          {filtered ? (
            <Link
              to={filters.scope === 'all' ? '/taches?scope=all' : '/taches'}
              className="button button--ghost"
            >
              {t('common.reset')}
            </Link>
          ) : null}
        </div>
      </Form>

      <ListRegion pathname="/taches">
        {tasks.length === 0 ? (
          <EmptyState
            message={ct('tasks.empty')}
            action={filtered ? <Link to="/taches">{ct('orgs.emptyReset')}</Link> : null}
          />
        ) : (
          <TaskList
            tasks={tasks}
            today={today}
            caption={ct('tasks.caption', { count: tasks.length })}
            canUpdate={canUpdate}
            showAssignee={filters.scope === 'all'}
          />
        )}
        <Pagination nextCursor={nextCursor} />
      </ListRegion>
    </div>
  );
}
