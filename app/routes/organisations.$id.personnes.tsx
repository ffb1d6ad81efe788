import { type ActionFunctionArgs, data, type LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useMemo } from 'react';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { Pill } from '~/components/crm/badges';
import { EmptyState } from '~/components/crm/list';
import { Section } from '~/components/crm/record';
import { useOrganisation } from '~/components/crm/use-organisation';
import { Notice, SelectField, TextField, ValidatedForm } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { addPersonForm, linkPersonForm } from '~/lib/crm.forms';
import {
  type ActorDeps,
  AppError,
  createAffiliation,
  createAffiliationSchema,
  createPerson,
  createPersonSchema,
  getOrganisation,
  hasPermission,
  listOrganisationPeople,
  listPeople,
  personNames,
} from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { formatDay } from '~/lib/crm-format';
import { isUuid, param } from '~/lib/crm-list';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { failureFor } from '~/lib/forms';
import type { Translate } from '~/lib/i18n';
import { useLocale, useT } from '~/lib/i18n';
import { type CrmTranslate, crmTranslator, useCrmT } from '~/lib/i18n-crm';

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const page = await loaderGuard(request, () => listOrganisationPeople(deps, id, { limit: 200 }));
  const members = page.data
    .map((member) => ({
      affiliationId: member.id,
      person: member.person,
      roleTitle: member.roleTitle,
      isPrimary: member.isPrimary,
      isCurrent: member.isCurrent,
      startDate: member.startDate,
      endDate: member.endDate,
    }))
    // Current links first, then the history.
    .sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent));
  const canCreate = hasPermission(deps.actor, 'people', 'create');
  // "Rattacher une personne existante": a search in the address (?personne=…), so it works without JavaScript.
  const search = param(new URL(request.url).searchParams, 'personne', 100);
  const linked = new Set(members.filter((member) => member.isCurrent).map((member) => member.person.id));
  const candidates =
    canCreate && search
      ? (await loaderGuard(request, () => listPeople(deps, { q: search, limit: 50 }))).data
          .filter((person) => !linked.has(person.id))
          .map((person) => ({
            id: person.id,
            name: `${person.firstName} ${person.lastName}`,
            detail: person.jobTitle ?? person.workEmail,
          }))
      : null;
  return { members, canCreate, search: search ?? '', candidates };
}

/** Why a service call failed, in the viewer's words (the API's detail is for developers). */
function reasonOf(error: unknown, t: Translate): string {
  if (!(error instanceof AppError)) throw error;
  switch (error.code) {
    case 'FORBIDDEN':
      return t('errors.forbidden');
    case 'NOT_FOUND':
      return t('errors.notFound');
    case 'CONFLICT':
      return t('errors.conflict');
    case 'VALIDATION_FAILED':
      return t('errors.form');
    default:
      return t('errors.generic');
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const organisationId = params.id;
  if (!isUuid(organisationId)) notFound();
  const form = await request.formData();
  if (form.get('intent') === 'linkPerson') return linkPerson(deps, form, request, organisationId, { t, ct });
  return addPerson(deps, form, request, organisationId, { t, ct });
}

interface Translators {
  t: Translate;
  ct: CrmTranslate;
}

/**
 * "Ajouter une personne": the person, then their affiliation to this
 * organisation — two service calls. If the second fails, the person exists:
 * the page says so and links to them rather than pretending nothing happened.
 */
async function addPerson(
  deps: ActorDeps,
  form: FormData,
  request: Request,
  organisationId: string,
  { t, ct }: Translators,
) {
  const intent = 'addPerson';
  const parsed = parseSubmission(addPersonForm(ct), createPersonSchema, form, t, { intent });
  if (!parsed.success) return invalidForm(parsed.failure);
  const roleTitle = String(form.get('roleTitle') ?? '').trim() || null;
  const isPrimary = form.get('isPrimary') === 'on';

  let organisationName: string;
  let person: Awaited<ReturnType<typeof createPerson>>;
  try {
    organisationName = (await getOrganisation(deps, organisationId)).name;
    person = await createPerson(deps, parsed.data);
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent });
  }
  const name = `${person.firstName} ${person.lastName}`;

  const link = createAffiliationSchema.safeParse({
    personId: person.id,
    organisationId,
    roleTitle,
    isPrimary,
  });
  try {
    if (!link.success) throw new AppError('VALIDATION_FAILED', { detail: link.error.message });
    await createAffiliation(deps, link.data);
  } catch (error) {
    return data(
      {
        ok: false as const,
        intent,
        partial: { id: person.id, name },
        formError: ct('addPerson.linkFailed', {
          name,
          organisation: organisationName,
          reason: reasonOf(error, t),
        }),
        fieldErrors: {},
      },
      { status: error instanceof AppError ? error.status : 500 },
    );
  }
  return {
    ok: true as const,
    intent,
    person: { id: person.id, name },
    message: ct('addPerson.done', { name, organisation: organisationName }),
  };
}

/** "Rattacher une personne existante": one affiliation. */
async function linkPerson(
  deps: ActorDeps,
  form: FormData,
  request: Request,
  organisationId: string,
  { t, ct }: Translators,
) {
  const intent = 'linkPerson';
  const parsed = parseSubmission(linkPersonForm(ct), createAffiliationSchema, form, t, {
    intent,
    extra: { organisationId },
  });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    const [organisation, names] = await Promise.all([
      getOrganisation(deps, organisationId),
      personNames(deps, [parsed.data.personId]),
    ]);
    await createAffiliation(deps, parsed.data);
    const name = names[parsed.data.personId] ?? '';
    return {
      ok: true as const,
      intent,
      person: { id: parsed.data.personId, name },
      message: ct('linkPerson.done', { name, organisation: organisation.name }),
    };
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent });
  }
}

function AddPerson() {
  const { organisation } = useOrganisation();
  const result = useActionData<typeof action>();
  const t = useT();
  const ct = useCrmT();
  const [params] = useSearchParams();
  const schema = useMemo(() => addPersonForm(ct), [ct]);
  const saving = useSubmitting();
  const failure = failureFor(result, 'addPerson');
  const added = result?.ok && result.intent === 'addPerson' ? result : null;
  return (
    <details
      className="disclosure"
      id="ajouter-personne"
      open={params.get('ajouter') === '1' || Boolean(failure) || undefined}
    >
      <summary className="button button--primary">+ {ct('org.addPerson')}</summary>
      <div className="disclosure__body">
        <p className="panel__lead">{ct('addPerson.lead', { name: organisation.name })}</p>
        <ValidatedForm method="post" schema={schema} failure={failure} resetKey={added} className="stack">
          <div className="field-row">
            <TextField
              label={ct('person.firstName')}
              name="firstName"
              required
              maxLength={100}
              autoComplete="off"
            />
            <TextField
              label={ct('person.lastName')}
              name="lastName"
              required
              maxLength={100}
              autoComplete="off"
            />
          </div>
          <div className="field-row">
            <TextField label={ct('person.jobTitle')} name="jobTitle" optional maxLength={200} />
            <TextField label={ct('addPerson.roleTitle')} name="roleTitle" optional maxLength={200} />
          </div>
          <div className="field-row">
            <TextField
              label={ct('person.workEmail')}
              name="workEmail"
              type="email"
              optional
              maxLength={254}
              autoComplete="off"
            />
            <TextField label={ct('person.workPhone')} name="workPhone" type="tel" optional maxLength={40} />
            <TextField
              label={ct('person.mobilePhone')}
              name="mobilePhone"
              type="tel"
              optional
              maxLength={40}
            />
          </div>
          <TextField
            label={ct('person.city')}
            name="city"
            optional
            maxLength={120}
            defaultValue={organisation.city ?? ''}
          />
          <label className="check">
            <input type="checkbox" name="isPrimary" defaultChecked />
            <span>{ct('addPerson.isPrimary')}</span>
          </label>
          <div className="form-actions">
            <SubmitButton pending={saving} pendingLabel={t('common.saving')}>
              {ct('addPerson.submit')}
            </SubmitButton>
          </div>
        </ValidatedForm>
      </div>
    </details>
  );
}

function LinkPerson() {
  const { search, candidates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const ct = useCrmT();
  const schema = useMemo(() => linkPersonForm(ct), [ct]);
  const failure = failureFor(result, 'linkPerson');
  const linked = result?.ok && result.intent === 'linkPerson' ? result : null;
  const saving = useSubmitting('linkPerson');
  return (
    <details
      className="disclosure"
      id="rattacher-personne"
      open={Boolean(search) || Boolean(failure) || undefined}
    >
      <summary className="button button--secondary">{ct('linkPerson.title')}</summary>
      <div className="disclosure__body stack">
        <Form method="get" className="filters crm-filters link-search" role="search" preventScrollReset>
          <TextField
            label={ct('linkPerson.search')}
            name="personne"
            type="search"
            defaultValue={search}
            placeholder={ct('people.searchPlaceholder')}
            maxLength={100}
          />
          <div className="filters__actions">
            <button type="submit" className="button button--secondary">
              {ct('linkPerson.find')}
            </button>
          </div>
        </Form>
        {candidates === null ? null : candidates.length === 0 ? (
          <p className="muted">{ct('linkPerson.none')}</p>
        ) : (
          <ValidatedForm method="post" schema={schema} failure={failure} resetKey={linked} className="stack">
            <input type="hidden" name="intent" value="linkPerson" />
            <SelectField label={ct('linkPerson.person')} name="personId" defaultValue="">
              <option value="">{ct('linkPerson.choose')}</option>
              {candidates.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.detail ? `${person.name} — ${person.detail}` : person.name}
                </option>
              ))}
            </SelectField>
            <TextField label={ct('addPerson.roleTitle')} name="roleTitle" optional maxLength={200} />
            <label className="check">
              <input type="checkbox" name="isPrimary" />
              <span>{ct('addPerson.isPrimary')}</span>
            </label>
            <div className="form-actions">
              <SubmitButton pending={saving}>{ct('linkPerson.submit')}</SubmitButton>
            </div>
          </ValidatedForm>
        )}
      </div>
    </details>
  );
}

function Outcome() {
  const result = useActionData<typeof action>();
  const ct = useCrmT();
  if (!result) return null;
  if (result.ok) {
    return (
      <Notice>
        {result.message}{' '}
        <Link to={`/personnes/${result.person.id}`}>
          {ct('addPerson.openPerson', { name: result.person.name })}
        </Link>
      </Notice>
    );
  }
  if ('partial' in result && result.partial) {
    return (
      <div className="alert alert--error" role="alert" tabIndex={-1}>
        {result.formError}{' '}
        <Link to={`/personnes/${result.partial.id}`}>
          {ct('addPerson.openPerson', { name: result.partial.name })}
        </Link>
      </div>
    );
  }
  return null;
}

/** Personnes: who works there (current links first, then past ones), and adding someone. */
export default function OrganisationPeople() {
  const { members, canCreate } = useLoaderData<typeof loader>();
  const { organisation } = useOrganisation();
  const ct = useCrmT();
  const locale = useLocale();
  return (
    <Section id="org-people" title={ct('org.tab.people')}>
      <Outcome />
      {canCreate ? (
        <div className="disclosure-row">
          <AddPerson />
          <LinkPerson />
        </div>
      ) : null}
      {members.length === 0 ? (
        <EmptyState message={ct('org.people.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="table table--stack table--cards">
            <caption className="visually-hidden">
              {ct('org.people.caption', { name: organisation.name })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{ct('org.people.col.name')}</th>
                <th scope="col">{ct('org.people.col.role')}</th>
                <th scope="col">{ct('org.people.col.email')}</th>
                <th scope="col">{ct('org.people.col.since')}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.affiliationId} data-inactive={member.isCurrent ? undefined : true}>
                  <th scope="row">
                    <span className="record-name">
                      <Link to={`/personnes/${member.person.id}`}>
                        {member.person.firstName} {member.person.lastName}
                      </Link>
                      {member.person.jobTitle ? (
                        <span className="record-name__meta">{member.person.jobTitle}</span>
                      ) : null}
                    </span>
                  </th>
                  <td data-label={ct('org.people.col.role')}>
                    <span className="chips">
                      {member.roleTitle ?? <span className="muted">{ct('crm.empty')}</span>}
                      {member.isPrimary && member.isCurrent ? (
                        <Pill tone="info">{ct('org.people.primary')}</Pill>
                      ) : null}
                      {member.isCurrent ? null : <Pill tone="neutral">{ct('person.affiliation.ended')}</Pill>}
                    </span>
                  </td>
                  <td data-label={ct('org.people.col.email')}>
                    {member.person.workEmail ? (
                      <a href={`mailto:${member.person.workEmail}`}>{member.person.workEmail}</a>
                    ) : (
                      <span className="muted">{ct('crm.empty')}</span>
                    )}
                  </td>
                  <td data-label={ct('org.people.col.since')} className="nowrap">
                    {member.startDate ? (
                      formatDay(locale, member.startDate)
                    ) : (
                      <span className="muted">{ct('crm.empty')}</span>
                    )}
                    {member.endDate ? ` → ${formatDay(locale, member.endDate)}` : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
