import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import type { CSSProperties } from 'react';
import { InteractionList } from '~/components/crm/interactions';
import { TaskList } from '~/components/crm/tasks';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { MANDATE_STATUSES } from '~/lib/crm.constants';
import {
  hasPermission,
  listInteractions,
  listTasks,
  mandateCountsByStatus,
  organisationsWithoutStage,
  pipelineBoard,
} from '~/lib/crm.server';
import { addDays, formatNumber, todayInParis } from '~/lib/crm-format';
import { isTaskStatusIntent, taskRows, taskStatusAction } from '~/lib/crm-tasks.server';
import { interactionRows } from '~/lib/crm-views.server';
import { invalidForm, loaderGuard } from '~/lib/errors.server';
import { translator, useLocale, useT } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => {
  const t = translator(localeFromMatches(matches));
  return [
    { title: `${t('dashboard.title')} · ${t('app.name')}` },
    { name: 'description', content: t('dashboard.metaDescription') },
  ];
};

const DUE_WITHIN_DAYS = 7;
const TASKS_SHOWN = 8;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const { actor } = deps;
  const today = todayInParis();
  const can = {
    organisations: hasPermission(actor, 'organisations', 'read'),
    mandates: hasPermission(actor, 'mandates', 'read'),
    tasks: hasPermission(actor, 'tasks', 'read'),
    interactions: hasPermission(actor, 'interactions', 'read'),
    updateTasks: hasPermission(actor, 'tasks', 'update'),
  };
  const [board, withoutStage, mandates, tasks, interactions] = await loaderGuard(request, () =>
    Promise.all([
      can.organisations ? pipelineBoard(deps, { limit: 1 }) : null,
      can.organisations ? organisationsWithoutStage(deps) : 0,
      can.mandates ? mandateCountsByStatus(deps) : null,
      can.tasks
        ? listTasks(deps, {
            limit: TASKS_SHOWN + 1,
            assigneeId: 'me',
            status: ['todo', 'in_progress'],
            dueBefore: addDays(today, DUE_WITHIN_DAYS),
            sort: 'dueDate',
          }).then((page) => taskRows(deps, page.data))
        : null,
      can.interactions
        ? // Recent: already happened (the diary also holds meetings to come).
          listInteractions(deps, {
            limit: 10,
            sort: '-occurredAt',
            occurredTo: new Date().toISOString(),
          }).then((page) => interactionRows(deps, page.data))
        : null,
    ]),
  );
  return {
    firstName: actor.name.split(/\s+/)[0] ?? actor.name,
    today,
    stages: board?.stages.map(({ id, name, color, count }) => ({ id, name, color, count })) ?? null,
    withoutStage,
    mandates: mandates ? MANDATE_STATUSES.map((status) => ({ status, count: mandates[status] ?? 0 })) : null,
    tasks: tasks?.slice(0, TASKS_SHOWN) ?? null,
    moreTasks: (tasks?.length ?? 0) > TASKS_SHOWN,
    interactions,
    canUpdateTasks: can.updateTasks,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  if (isTaskStatusIntent(intent)) return taskStatusAction(deps, form, request, { t, ct });
  return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
}

type Bar = { key: string; label: string; count: number; href: string; color?: string; aria: string };

/** Counts as horizontal bars, each a link to the matching list. */
function BarList({ bars, label }: { bars: Bar[]; label: string }) {
  const locale = useLocale();
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  return (
    <ul className="bar-list" aria-label={label}>
      {bars.map((bar) => (
        <li key={bar.key}>
          <Link
            to={bar.href}
            className="bar-list__link"
            aria-label={bar.aria}
            style={
              {
                '--bar': `${Math.round((bar.count / max) * 100)}%`,
                ...(bar.color ? { '--bar-color': bar.color } : {}),
              } as CSSProperties
            }
          >
            <span className="bar-list__label">{bar.label}</span>
            <span className="bar-list__count">{formatNumber(locale, bar.count)}</span>
            <span className="bar-list__track" aria-hidden="true">
              <span className="bar-list__fill" />
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const ct = useCrmT();
  const locale = useLocale();
  const totalMandates = data.mandates?.reduce((sum, item) => sum + item.count, 0) ?? 0;

  return (
    <div className="page dashboard">
      <header className="page-header page-header--compact">
        <p className="eyebrow">{t('dashboard.eyebrow', { name: data.firstName })}</p>
        <h1>{t('dashboard.title')}</h1>
        <p className="lead">{ct('dash.lead')}</p>
      </header>

      <div className="dashboard__grid">
        <div className="dashboard__col">
          {data.stages ? (
            <section className="panel dashboard__panel" aria-labelledby="dash-pipeline">
              <div className="panel__bar">
                <h2 id="dash-pipeline" className="panel__title">
                  {ct('dash.pipeline.title')}
                </h2>
                <Link to="/pipeline" className="panel__link">
                  {ct('dash.pipeline.open')}
                </Link>
              </div>
              <p className="panel__lead">{ct('dash.pipeline.lead')}</p>
              {data.stages.length === 0 ? (
                <p className="muted">{ct('dash.pipeline.empty')}</p>
              ) : (
                <BarList
                  label={ct('dash.pipeline.title')}
                  bars={data.stages.map((stage) => ({
                    key: stage.id,
                    label: stage.name,
                    count: stage.count,
                    color: stage.color,
                    href: `/organisations?stage=${stage.id}`,
                    aria: ct('dash.pipeline.link', {
                      stage: stage.name,
                      count: formatNumber(locale, stage.count),
                    }),
                  }))}
                />
              )}
              {data.withoutStage > 0 ? (
                <p className="panel__foot muted">
                  {ct('dash.pipeline.noStage', { count: formatNumber(locale, data.withoutStage) })}
                </p>
              ) : null}
            </section>
          ) : null}
          {data.mandates ? (
            <section className="panel dashboard__panel" aria-labelledby="dash-mandates">
              <div className="panel__bar">
                <h2 id="dash-mandates" className="panel__title">
                  {ct('dash.mandates.title')}
                </h2>
                <Link to="/mandats" className="panel__link">
                  {ct('dash.mandates.open')}
                </Link>
              </div>
              <p className="panel__lead">
                {ct('dash.mandates.total', { count: formatNumber(locale, totalMandates) })}
              </p>
              <BarList
                label={ct('dash.mandates.title')}
                bars={data.mandates.map((item) => ({
                  key: item.status,
                  label: ct(`mandateStatus.${item.status}`),
                  count: item.count,
                  href: `/mandats?status=${item.status}`,
                  aria: ct('dash.mandates.link', {
                    status: ct(`mandateStatus.${item.status}`),
                    count: formatNumber(locale, item.count),
                  }),
                }))}
              />
            </section>
          ) : null}
        </div>
        <div className="dashboard__col">
          {data.tasks ? (
            <section className="panel dashboard__panel" aria-labelledby="dash-tasks">
              <div className="panel__bar">
                <h2 id="dash-tasks" className="panel__title">
                  {ct('dash.tasks.title')}
                </h2>
                <Link to="/taches" className="panel__link">
                  {ct('dash.tasks.all')}
                </Link>
              </div>
              <p className="panel__lead">{ct('dash.tasks.lead')}</p>
              {data.tasks.length === 0 ? (
                <p className="empty">{ct('dash.tasks.empty')}</p>
              ) : (
                <TaskList
                  tasks={data.tasks}
                  today={data.today}
                  caption={ct('dash.tasks.title')}
                  canUpdate={data.canUpdateTasks}
                  showAssignee={false}
                  compact
                />
              )}
              {data.moreTasks ? (
                <p className="panel__foot">
                  <Link to="/taches?due=week">{ct('dash.tasks.more')}</Link>
                </p>
              ) : null}
            </section>
          ) : null}
          {data.interactions ? (
            <section className="panel dashboard__panel" aria-labelledby="dash-interactions">
              <h2 id="dash-interactions" className="panel__title">
                {ct('dash.interactions.title')}
              </h2>
              {data.interactions.length === 0 ? (
                <p className="empty">{ct('dash.interactions.empty')}</p>
              ) : (
                <InteractionList items={data.interactions} label={ct('dash.interactions.title')} />
              )}
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
