import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { OrganisationForm } from '~/components/crm/organisation-form';
import { localeOf, requireActorDeps, requireAnyPermission, translatorFor } from '~/lib/auth.server';
import { organisationForm } from '~/lib/crm.forms';
import { createOrganisation, createOrganisationSchema, listStages } from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { invalidForm, loaderGuard } from '~/lib/errors.server';
import { translator } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => {
  const locale = localeFromMatches(matches);
  return [{ title: `${crmTranslator(locale)('orgNew.title')} · ${translator(locale)('app.name')}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  requireAnyPermission(deps.actor, ['organisations', 'create']);
  const stages = await loaderGuard(request, () => listStages(deps));
  return { stages: stages.map(({ id, name }) => ({ id, name })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const form = await request.formData();
  const parsed = parseSubmission(organisationForm(ct), createOrganisationSchema, form, t, {
    arrays: ['types'],
  });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    const organisation = await createOrganisation(deps, parsed.data);
    return redirect(`/organisations/${organisation.id}?notice=created`);
  } catch (error) {
    return crmFailure(error, request, { t, ct });
  }
}

export default function NewOrganisation() {
  const { stages } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const ct = useCrmT();
  return (
    <div className="page page--form">
      <header className="page-header page-header--compact">
        <Link to="/organisations" className="back-link">
          ← {ct('orgs.backToList')}
        </Link>
        <h1>{ct('orgNew.title')}</h1>
        <p className="lead">{ct('orgNew.lead')}</p>
      </header>
      <div className="panel">
        <OrganisationForm
          values={null}
          stages={stages}
          failure={failure}
          submitLabel={ct('orgNew.submit')}
          cancelTo="/organisations"
        />
      </div>
    </div>
  );
}
