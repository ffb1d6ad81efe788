import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { MandateForm } from '~/components/crm/mandate-form';
import { localeOf, requireActorDeps, requireAnyPermission, translatorFor } from '~/lib/auth.server';
import { mandateForm } from '~/lib/crm.forms';
import { createMandate, createMandateSchema, organisationOptions } from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { uuidParam } from '~/lib/crm-list';
import { invalidForm, loaderGuard } from '~/lib/errors.server';
import { translator } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => {
  const locale = localeFromMatches(matches);
  return [{ title: `${crmTranslator(locale)('mandateNew.title')} · ${translator(locale)('app.name')}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  requireAnyPermission(deps.actor, ['mandates', 'create']);
  // From an organisation's Mandats tab: that organisation is chosen already.
  const organisationId = uuidParam(new URL(request.url).searchParams, 'organisation') ?? null;
  const organisations = await loaderGuard(request, () => organisationOptions(deps, organisationId));
  return {
    organisations,
    organisationId: organisations.some((organisation) => organisation.id === organisationId)
      ? organisationId
      : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const parsed = parseSubmission(mandateForm(ct), createMandateSchema, await request.formData(), t);
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    const mandate = await createMandate(deps, parsed.data);
    return redirect(`/mandats/${mandate.id}?notice=created`);
  } catch (error) {
    return crmFailure(error, request, { t, ct });
  }
}

export default function NewMandate() {
  const { organisations, organisationId } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const ct = useCrmT();
  const back = organisationId ? `/organisations/${organisationId}/mandats` : '/mandats';
  return (
    <div className="page page--form">
      <header className="page-header page-header--compact">
        <Link to={back} className="back-link">
          ← {ct('mandates.back')}
        </Link>
        <h1>{ct('mandateNew.title')}</h1>
        <p className="lead">{ct('mandateNew.lead')}</p>
      </header>
      <div className="panel">
        <MandateForm
          values={organisationId ? { organisationId } : null}
          organisations={organisations}
          failure={failure}
          submitLabel={ct('mandateNew.submit')}
          cancelTo={back}
        />
      </div>
    </div>
  );
}
