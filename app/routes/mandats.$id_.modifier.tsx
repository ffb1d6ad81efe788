import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { MandateForm } from '~/components/crm/mandate-form';
import { localeOf, requireActorDeps, requireAnyPermission, translatorFor } from '~/lib/auth.server';
import { mandateForm, versionOf } from '~/lib/crm.forms';
import {
  etagOf,
  getMandate,
  organisationOptions,
  updateMandate,
  updateMandateSchema,
} from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { isUuid } from '~/lib/crm-list';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { translator } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = localeFromMatches(matches);
  const title = crmTranslator(locale)('mandateEdit.title', { title: data?.mandate.title ?? '' });
  return [{ title: `${title} · ${translator(locale)('app.name')}` }];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  requireAnyPermission(deps.actor, ['mandates', 'update']);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const mandate = await loaderGuard(request, () => getMandate(deps, id));
  const organisations = await loaderGuard(request, () => organisationOptions(deps, mandate.organisationId));
  return { mandate, organisations };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const id = params.id;
  if (!isUuid(id)) notFound();
  const form = await request.formData();
  const version = versionOf(form);
  const parsed = parseSubmission(mandateForm(ct), updateMandateSchema, form, t);
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    // If-Match with the version the form was drawn from: a concurrent edit is a 412, not an overwrite.
    await updateMandate(deps, id, parsed.data, version ? etagOf(version) : undefined);
  } catch (error) {
    return crmFailure(error, request, { t, ct, name: parsed.data.title ?? '' });
  }
  return redirect(`/mandats/${id}?notice=saved`);
}

export default function EditMandate() {
  const { mandate, organisations } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const ct = useCrmT();
  const back = `/mandats/${mandate.id}`;
  return (
    <div className="page page--form">
      <header className="page-header page-header--compact">
        <Link to={back} className="back-link">
          ← {mandate.title}
        </Link>
        <h1>{ct('mandateEdit.title', { title: mandate.title })}</h1>
      </header>
      <div className="panel">
        <MandateForm
          key={mandate.version}
          values={mandate}
          organisations={organisations}
          failure={failure}
          version={mandate.version}
          submitLabel={ct('mandateEdit.submit')}
          cancelTo={back}
        />
      </div>
    </div>
  );
}
