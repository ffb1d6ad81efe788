import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Link, useActionData } from '@remix-run/react';
import { PersonForm } from '~/components/crm/person-form';
import { localeOf, requireActorDeps, requireAnyPermission, translatorFor } from '~/lib/auth.server';
import { personForm } from '~/lib/crm.forms';
import { createPerson, createPersonSchema } from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { invalidForm } from '~/lib/errors.server';
import { translator } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => {
  const locale = localeFromMatches(matches);
  return [{ title: `${crmTranslator(locale)('personNew.title')} · ${translator(locale)('app.name')}` }];
};

export function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  requireAnyPermission(deps.actor, ['people', 'create']);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const parsed = parseSubmission(personForm(ct), createPersonSchema, await request.formData(), t);
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    const person = await createPerson(deps, parsed.data);
    return redirect(`/personnes/${person.id}?notice=created`);
  } catch (error) {
    return crmFailure(error, request, { t, ct });
  }
}

export default function NewPerson() {
  const failure = useActionData<typeof action>();
  const ct = useCrmT();
  return (
    <div className="page page--form">
      <header className="page-header page-header--compact">
        <Link to="/personnes" className="back-link">
          ← {ct('people.back')}
        </Link>
        <h1>{ct('personNew.title')}</h1>
        <p className="lead">{ct('personNew.lead')}</p>
      </header>
      <div className="panel">
        <PersonForm
          values={null}
          failure={failure}
          submitLabel={ct('personNew.submit')}
          cancelTo="/personnes"
        />
      </div>
    </div>
  );
}
