import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, Outlet, useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { ConfirmButton, useSubmitting } from '~/components/buttons';
import { OrganisationStatusPill, StageBadge } from '~/components/crm/badges';
import { RecordTabs } from '~/components/crm/record';
import { FormAlert, Notice } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import {
  ORGANISATION_CATEGORIES,
  ORGANISATION_STATUSES,
  ORGANISATION_TYPES,
  oneOf,
} from '~/lib/crm.constants';
import { versionOf } from '~/lib/crm.forms';
import {
  deleteOrganisation,
  etagOf,
  getOrganisation,
  hasPermission,
  listStages,
  userNames,
} from '~/lib/crm.server';
import { crmFailure } from '~/lib/crm-actions.server';
import { isUuid } from '~/lib/crm-list';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { translator } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = translator(localeFromMatches(matches));
  return [{ title: `${data?.organisation.name ?? t('nav.organisations')} · ${t('app.name')}` }];
};

/** The organisation every tab shows in its header; tabs read it with useOrganisation(). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const [organisation, stages] = await loaderGuard(request, () =>
    Promise.all([getOrganisation(deps, id), listStages(deps)]),
  );
  const owners = await userNames(deps, [organisation.ownerId]);
  const stage = stages.find((candidate) => candidate.id === organisation.pipelineStageId);
  const notice = new URL(request.url).searchParams.get('notice');
  const { actor } = deps;
  return {
    organisation: {
      ...organisation,
      types: organisation.types.filter((type) =>
        (ORGANISATION_TYPES as readonly string[]).includes(type),
      ) as (typeof ORGANISATION_TYPES)[number][],
      category: organisation.category ? oneOf(ORGANISATION_CATEGORIES, organisation.category, 'other') : null,
      status: oneOf(ORGANISATION_STATUSES, organisation.status, 'prospect'),
    },
    stage: stage ? { id: stage.id, name: stage.name, color: stage.color } : null,
    ownerName: owners[organisation.ownerId] ?? null,
    notice: notice === 'created' || notice === 'saved' ? notice : null,
    can: {
      update: hasPermission(actor, 'organisations', 'update'),
      delete: hasPermission(actor, 'organisations', 'delete'),
      createPeople: hasPermission(actor, 'people', 'create'),
      createInteractions: hasPermission(actor, 'interactions', 'create'),
      readPeople: hasPermission(actor, 'people', 'read'),
      readMandates: hasPermission(actor, 'mandates', 'read'),
      readInteractions: hasPermission(actor, 'interactions', 'read'),
      readTasks: hasPermission(actor, 'tasks', 'read'),
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const id = params.id;
  if (!isUuid(id)) notFound();
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const version = versionOf(form);
  if (intent !== 'delete' || !version) {
    return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
  }
  try {
    await deleteOrganisation(deps, id, etagOf(version));
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent, name: String(form.get('name') ?? '') });
  }
  return redirect('/organisations?notice=deleted');
}

export type OrganisationLoader = typeof loader;

function Header() {
  const { organisation, stage, can } = useLoaderData<typeof loader>();
  const ct = useCrmT();
  const deleting = useSubmitting('delete');
  const place = [organisation.city, organisation.country].filter(Boolean).join(', ');
  return (
    <div className="record-header">
      <Link to="/organisations" className="back-link">
        ← {ct('orgs.backToList')}
      </Link>
      <div className="page-bar">
        <header className="page-header page-header--compact">
          <p className="eyebrow">
            {ct('org.eyebrow')} · {organisation.types.map((type) => ct(`orgType.${type}`)).join(', ')}
          </p>
          <h1>{organisation.name}</h1>
          <p className="record-header__meta">
            <OrganisationStatusPill status={organisation.status} />
            {stage ? <StageBadge name={stage.name} color={stage.color} /> : null}
            {place ? <span>{place}</span> : null}
            {organisation.category ? <span>{ct(`orgCategory.${organisation.category}`)}</span> : null}
          </p>
        </header>
        <div className="page-bar__actions">
          {can.createPeople ? (
            <Link
              to="personnes?ajouter=1#ajouter-personne"
              className="button button--secondary"
              preventScrollReset
            >
              + {ct('org.addPerson')}
            </Link>
          ) : null}
          {can.createInteractions ? (
            <Link
              to="interactions?consigner=1#consigner"
              className="button button--secondary"
              preventScrollReset
            >
              + {ct('org.logInteraction')}
            </Link>
          ) : null}
          {can.update ? (
            <Link to="modifier" className="button button--primary">
              {ct('crm.edit')}
            </Link>
          ) : null}
          {can.delete ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="version" value={organisation.version} />
              <input type="hidden" name="name" value={organisation.name} />
              <ConfirmButton
                label={ct('crm.delete')}
                ariaLabel={ct('org.deleteLabel', { name: organisation.name })}
                title={ct('org.deleteTitle', { name: organisation.name })}
                message={ct('org.deleteQuestion', { name: organisation.name })}
                confirmLabel={ct('crm.delete')}
                name="intent"
                value="delete"
                pending={deleting}
              />
            </Form>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function Outcome() {
  const { notice, organisation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const ct = useCrmT();
  const { pathname } = useLocation();
  if (result && !result.ok && result.formError) {
    return 'conflict' in result && result.conflict ? (
      <div className="alert alert--error" role="alert">
        {result.formError} <Link to={pathname}>{ct('crm.reload')}</Link>
      </div>
    ) : (
      <FormAlert message={result.formError} />
    );
  }
  if (notice === 'created') return <Notice>{ct('crm.created', { name: organisation.name })}</Notice>;
  if (notice === 'saved') return <Notice>{ct('crm.saved')}</Notice>;
  return null;
}

export default function OrganisationPage() {
  const { organisation, can } = useLoaderData<typeof loader>();
  const ct = useCrmT();
  const base = `/organisations/${organisation.id}`;
  const tabs = [
    { to: base, label: ct('org.tab.overview') },
    ...(can.readPeople ? [{ to: `${base}/personnes`, label: ct('org.tab.people') }] : []),
    ...(can.readMandates ? [{ to: `${base}/mandats`, label: ct('org.tab.mandates') }] : []),
    ...(can.readInteractions ? [{ to: `${base}/interactions`, label: ct('org.tab.interactions') }] : []),
    ...(can.readTasks ? [{ to: `${base}/taches`, label: ct('org.tab.tasks') }] : []),
    { to: `${base}/historique`, label: ct('org.tab.history') },
  ];
  return (
    <div className="page record">
      <Header />
      <Outcome />
      <RecordTabs label={ct('org.tabs')} items={tabs} />
      <Outlet />
    </div>
  );
}
