import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { EmptyState } from '~/components/crm/list';
import { Section } from '~/components/crm/record';
import { NewTask } from '~/components/crm/task-form';
import { TaskList } from '~/components/crm/tasks';
import { useOrganisation } from '~/components/crm/use-organisation';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { getOrganisation, hasPermission, listTasks } from '~/lib/crm.server';
import { todayInParis } from '~/lib/crm-format';
import { isUuid } from '~/lib/crm-list';
import { createTaskAction, isTaskStatusIntent, taskRows, taskStatusAction } from '~/lib/crm-tasks.server';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const page = await loaderGuard(request, async () => {
    await getOrganisation(deps, id);
    return listTasks(deps, { organisationId: id, limit: 200, sort: 'dueDate' });
  });
  // Open tasks first (by due date), then the closed ones.
  const open = (status: string) => status === 'todo' || status === 'in_progress';
  const tasks = [...page.data].sort((a, b) => Number(open(b.status)) - Number(open(a.status)));
  return {
    tasks: await taskRows(deps, tasks),
    today: todayInParis(),
    canCreate: hasPermission(deps.actor, 'tasks', 'create'),
    canUpdate: hasPermission(deps.actor, 'tasks', 'update'),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const organisationId = params.id;
  if (!isUuid(organisationId)) notFound();
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  if (isTaskStatusIntent(intent)) return taskStatusAction(deps, form, request, { t, ct });
  if (intent === 'createTask') return createTaskAction(deps, form, request, { t, ct }, { organisationId });
  return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
}

/** Tâches: follow-ups linked to the organisation, with complete / reopen and a quick "new task". */
export default function OrganisationTasks() {
  const { tasks, today, canCreate, canUpdate } = useLoaderData<typeof loader>();
  const { organisation } = useOrganisation();
  const ct = useCrmT();
  return (
    <Section id="org-tasks" title={ct('org.tab.tasks')}>
      {canCreate ? <NewTask /> : null}
      {tasks.length === 0 ? (
        <EmptyState message={ct('org.tasks.empty')} />
      ) : (
        <TaskList
          tasks={tasks}
          today={today}
          caption={ct('org.tasks.caption', { name: organisation.name })}
          canUpdate={canUpdate}
          showOrganisation={false}
        />
      )}
    </Section>
  );
}
