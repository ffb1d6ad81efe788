import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { PersonForm } from '~/components/crm/person-form';
import { localeOf, requireActorDeps, requireAnyPermission, translatorFor } from '~/lib/auth.server';
import { personForm, versionOf } from '~/lib/crm.forms';
import { etagOf, getPerson, updatePerson, updatePersonSchema } from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { isUuid } from '~/lib/crm-list';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { translator } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';
import { localeFromMatches } from '~/lib/meta';

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = localeFromMatches(matches);
  const name = data ? `${data.person.firstName} ${data.person.lastName}` : '';
  return [
    { title: `${crmTranslator(locale)('personEdit.title', { name })} · ${translator(locale)('app.name')}` },
  ];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  requireAnyPermission(deps.actor, ['people', 'update']);
  const id = params.id;
  if (!isUuid(id)) notFound();
  return { person: await loaderGuard(request, () => getPerson(deps, id)) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const id = params.id;
  if (!isUuid(id)) notFound();
  const form = await request.formData();
  const version = versionOf(form);
  const parsed = parseSubmission(personForm(ct), updatePersonSchema, form, t);
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    await updatePerson(deps, id, parsed.data, version ? etagOf(version) : undefined);
  } catch (error) {
    return crmFailure(error, request, {
      t,
      ct,
      name: `${parsed.data.firstName ?? ''} ${parsed.data.lastName ?? ''}`,
    });
  }
  return redirect(`/personnes/${id}?notice=saved`);
}

export default function EditPerson() {
  const { person } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const ct = useCrmT();
  const name = `${person.firstName} ${person.lastName}`;
  return (
    <div className="page page--form">
      <header className="page-header page-header--compact">
        <Link to={`/personnes/${person.id}`} className="back-link">
          ← {name}
        </Link>
        <h1>{ct('personEdit.title', { name })}</h1>
      </header>
      <div className="panel">
        <PersonForm
          key={person.version}
          values={person}
          failure={failure}
          version={person.version}
          submitLabel={ct('personEdit.submit')}
          cancelTo={`/personnes/${person.id}`}
        />
      </div>
    </div>
  );
}
