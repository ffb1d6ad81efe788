import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { OrganisationForm } from '~/components/crm/organisation-form';
import { localeOf, requireActorDeps, requireAnyPermission, translatorFor } from '~/lib/auth.server';
import { organisationForm, versionOf } from '~/lib/crm.forms';
import {
  etagOf,
  getOrganisation,
  listStages,
  updateOrganisation,
  updateOrganisationSchema,
} from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { isUuid } from '~/lib/crm-list';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { translator } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = localeFromMatches(matches);
  const title = crmTranslator(locale)('orgEdit.title', { name: data?.organisation.name ?? '' });
  return [{ title: `${title} · ${translator(locale)('app.name')}` }];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  requireAnyPermission(deps.actor, ['organisations', 'update']);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const [organisation, stages] = await loaderGuard(request, () =>
    Promise.all([getOrganisation(deps, id), listStages(deps)]),
  );
  return { organisation, stages: stages.map(({ id: stageId, name }) => ({ id: stageId, name })) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const id = params.id;
  if (!isUuid(id)) notFound();
  const form = await request.formData();
  const version = versionOf(form);
  const parsed = parseSubmission(organisationForm(ct), updateOrganisationSchema, form, t, {
    arrays: ['types'],
  });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    // If-Match with the version the form was built from: a concurrent change is a 412, not an overwrite.
    await updateOrganisation(deps, id, parsed.data, version ? etagOf(version) : undefined);
  } catch (error) {
    return crmFailure(error, request, { t, ct, name: parsed.data.name ?? '' });
  }
  return redirect(`/organisations/${id}?notice=saved`);
}

export default function EditOrganisation() {
  const { organisation, stages } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const ct = useCrmT();
  const back = `/organisations/${organisation.id}`;
  return (
    <div className="page page--form">
      <header className="page-header page-header--compact">
        <Link to={back} className="back-link">
          ← {organisation.name}
        </Link>
        <h1>{ct('orgEdit.title', { name: organisation.name })}</h1>
      </header>
      <div className="panel">
        <OrganisationForm
          // A new version (after a reload) rebuilds the form from the latest values.
          key={organisation.version}
          values={organisation}
          stages={stages}
          failure={failure}
          version={organisation.version}
          submitLabel={ct('orgEdit.submit')}
          cancelTo={back}
        />
      </div>
    </div>
  );
}
