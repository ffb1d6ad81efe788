import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { ConfirmButton, useSubmitting } from '~/components/buttons';
import { Pill } from '~/components/crm/badges';
import { InteractionList } from '~/components/crm/interactions';
import { DetailList, Section } from '~/components/crm/record';
import { NewTask } from '~/components/crm/task-form';
import { TaskList } from '~/components/crm/tasks';
import { Timeline } from '~/components/crm/timeline';
import { FormAlert, Notice } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { LANGUAGES, oneOf } from '~/lib/crm.constants';
import { versionOf } from '~/lib/crm.forms';
import {
  deletePerson,
  etagOf,
  getPerson,
  hasPermission,
  listInteractions,
  listPersonAffiliations,
  listTasks,
  listTimeline,
  userNames,
} from '~/lib/crm.server';
import { crmFailure } from '~/lib/crm-actions.server';
import { formatDay, todayInParis } from '~/lib/crm-format';
import { isUuid } from '~/lib/crm-list';
import { createTaskAction, isTaskStatusIntent, taskRows, taskStatusAction } from '~/lib/crm-tasks.server';
import { interactionRows, timelineView } from '~/lib/crm-views.server';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { formatDate, translator, useLocale } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = translator(localeFromMatches(matches));
  const name = data ? `${data.person.firstName} ${data.person.lastName}` : t('nav.people');
  return [{ title: `${name} · ${t('app.name')}` }];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const { actor } = deps;
  const person = await loaderGuard(request, () => getPerson(deps, id));
  const [affiliations, interactions, tasks, timeline, owners] = await loaderGuard(request, () =>
    Promise.all([
      listPersonAffiliations(deps, id, { limit: 100 }),
      hasPermission(actor, 'interactions', 'read')
        ? listInteractions(deps, { personId: id, limit: 20, sort: '-occurredAt' }).then((page) =>
            interactionRows(deps, page.data),
          )
        : null,
      hasPermission(actor, 'tasks', 'read')
        ? listTasks(deps, { personId: id, limit: 100, sort: 'dueDate' }).then((page) =>
            taskRows(deps, page.data),
          )
        : null,
      listTimeline(deps.db, 'person', id, { limit: 30 }).then((page) =>
        timelineView(deps, page.data, { entityType: 'person', locale: localeOf(context) }),
      ),
      userNames(deps, [person.ownerId]),
    ]),
  );
  const notice = new URL(request.url).searchParams.get('notice');
  return {
    person: { ...person, language: oneOf(LANGUAGES, person.language, 'fr') },
    ownerName: owners[person.ownerId] ?? null,
    affiliations: affiliations.data.map((affiliation) => ({
      id: affiliation.id,
      organisation: affiliation.organisation,
      roleTitle: affiliation.roleTitle,
      isPrimary: affiliation.isPrimary,
      isCurrent: affiliation.isCurrent,
      startDate: affiliation.startDate,
      endDate: affiliation.endDate,
    })),
    interactions,
    tasks,
    timeline,
    today: todayInParis(),
    notice: notice === 'created' || notice === 'saved' ? notice : null,
    can: {
      update: hasPermission(actor, 'people', 'update'),
      delete: hasPermission(actor, 'people', 'delete'),
      createTasks: hasPermission(actor, 'tasks', 'create'),
      updateTasks: hasPermission(actor, 'tasks', 'update'),
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const personId = params.id;
  if (!isUuid(personId)) notFound();
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  if (isTaskStatusIntent(intent)) return taskStatusAction(deps, form, request, { t, ct });
  if (intent === 'createTask') return createTaskAction(deps, form, request, { t, ct }, { personId });
  const version = versionOf(form);
  if (intent !== 'delete' || !version) {
    return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
  }
  try {
    await deletePerson(deps, personId, etagOf(version));
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent, name: String(form.get('name') ?? '') });
  }
  return redirect('/personnes?notice=deleted');
}

function Outcome() {
  const { notice, person } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const ct = useCrmT();
  const { pathname } = useLocation();
  if (result && !result.ok && result.formError && !('intent' in result && result.intent === 'createTask')) {
    return 'conflict' in result && result.conflict ? (
      <div className="alert alert--error" role="alert">
        {result.formError} <Link to={pathname}>{ct('crm.reload')}</Link>
      </div>
    ) : (
      <FormAlert message={result.formError} />
    );
  }
  if (notice === 'created') {
    return <Notice>{ct('crm.created', { name: `${person.firstName} ${person.lastName}` })}</Notice>;
  }
  if (notice === 'saved') return <Notice>{ct('crm.saved')}</Notice>;
  return null;
}

/** A person: contact details, organisations over time, interactions, tasks and history. */
export default function PersonPage() {
  const { person, ownerName, affiliations, interactions, tasks, timeline, today, can } =
    useLoaderData<typeof loader>();
  const ct = useCrmT();
  const locale = useLocale();
  const deleting = useSubmitting('delete');
  const name = `${person.firstName} ${person.lastName}`;
  const current = affiliations.find((affiliation) => affiliation.isCurrent);

  return (
    <div className="page record">
      <Link to="/personnes" className="back-link">
        ← {ct('people.back')}
      </Link>
      <div className="page-bar">
        <header className="page-header page-header--compact">
          <p className="eyebrow">{ct('person.eyebrow')}</p>
          <h1>{name}</h1>
          <p className="record-header__meta">
            {person.jobTitle ? <span>{person.jobTitle}</span> : null}
            {current ? (
              <Link to={`/organisations/${current.organisation.id}`}>{current.organisation.name}</Link>
            ) : null}
            {person.city ? <span>{person.city}</span> : null}
          </p>
        </header>
        <div className="page-bar__actions">
          {can.update && !person.erasedAt ? (
            <Link to="modifier" className="button button--primary">
              {ct('crm.edit')}
            </Link>
          ) : null}
          {can.delete ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="version" value={person.version} />
              <input type="hidden" name="name" value={name} />
              <ConfirmButton
                label={ct('crm.delete')}
                ariaLabel={ct('org.deleteLabel', { name })}
                title={ct('person.deleteTitle', { name })}
                message={ct('person.deleteQuestion', { name })}
                confirmLabel={ct('crm.delete')}
                name="intent"
                value="delete"
                pending={deleting}
              />
            </Form>
          ) : null}
        </div>
      </div>
      <Outcome />
      {person.erasedAt ? <p className="alert alert--info">{ct('person.erased')}</p> : null}

      <div className="record-grid">
        <Section id="person-contact" title={ct('person.contact')}>
          <DetailList
            items={[
              {
                label: ct('person.workEmail'),
                value: person.workEmail ? (
                  <a href={`mailto:${person.workEmail}`}>{person.workEmail}</a>
                ) : null,
              },
              {
                label: ct('person.personalEmail'),
                value: person.personalEmail ? (
                  <a href={`mailto:${person.personalEmail}`}>{person.personalEmail}</a>
                ) : null,
              },
              { label: ct('person.workPhone'), value: person.workPhone },
              { label: ct('person.mobilePhone'), value: person.mobilePhone },
              { label: ct('person.city'), value: person.city },
              { label: ct('person.language'), value: ct(`language.${person.language}`) },
              { label: ct('person.consent'), value: ct(`consent.${person.consent.status}`) },
              { label: ct('crm.owner'), value: ownerName },
              { label: ct('org.updatedAt'), value: formatDate(locale, person.updatedAt, true) },
            ]}
          />
          {person.notes ? (
            <>
              <h3 className="record-section__subtitle">{ct('person.notes')}</h3>
              <p className="notes">{person.notes}</p>
            </>
          ) : null}
        </Section>

        <Section id="person-affiliations" title={ct('person.affiliations')}>
          {affiliations.length === 0 ? (
            <p className="muted">{ct('person.affiliations.empty')}</p>
          ) : (
            <ul className="affiliation-list">
              {affiliations.map((affiliation) => (
                <li
                  key={affiliation.id}
                  className="affiliation"
                  data-ended={affiliation.isCurrent ? undefined : true}
                >
                  <Link to={`/organisations/${affiliation.organisation.id}`} className="affiliation__name">
                    {affiliation.organisation.name}
                  </Link>
                  <span className="chips">
                    {affiliation.roleTitle ? <span>{affiliation.roleTitle}</span> : null}
                    {affiliation.isPrimary && affiliation.isCurrent ? (
                      <Pill tone="info">{ct('org.people.primary')}</Pill>
                    ) : null}
                    <Pill tone={affiliation.isCurrent ? 'success' : 'neutral'}>
                      {ct(affiliation.isCurrent ? 'person.affiliation.current' : 'person.affiliation.ended')}
                    </Pill>
                  </span>
                  <span className="affiliation__period">
                    {ct('person.affiliation.period', {
                      from: affiliation.startDate
                        ? formatDay(locale, affiliation.startDate)
                        : ct('person.affiliation.unknown'),
                      to: affiliation.endDate
                        ? formatDay(locale, affiliation.endDate)
                        : ct('person.affiliation.today'),
                    })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>

      {interactions ? (
        <Section id="person-interactions" title={ct('person.interactions')}>
          {interactions.length === 0 ? (
            <p className="muted">{ct('person.interactions.empty')}</p>
          ) : (
            <InteractionList items={interactions} label={ct('person.interactions')} />
          )}
        </Section>
      ) : null}

      {tasks ? (
        <Section id="person-tasks" title={ct('person.tasks')}>
          {can.createTasks && !person.erasedAt ? <NewTask /> : null}
          {tasks.length === 0 ? (
            <p className="muted">{ct('person.tasks.empty')}</p>
          ) : (
            <TaskList tasks={tasks} today={today} caption={ct('person.tasks')} canUpdate={can.updateTasks} />
          )}
        </Section>
      ) : null}

      <Section id="person-history" title={ct('person.history')}>
        <Timeline items={timeline} />
      </Section>
    </div>
  );
}
