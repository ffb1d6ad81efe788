import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/cloudflare';
import { useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useMemo } from 'react';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { CheckboxGroup, TextAreaField } from '~/components/crm/fields';
import { InteractionList } from '~/components/crm/interactions';
import { EmptyState, Pagination } from '~/components/crm/list';
import { Section } from '~/components/crm/record';
import { useOrganisation } from '~/components/crm/use-organisation';
import { Notice, SelectField, TextField, ValidatedForm } from '~/components/form';
import { localeOf, requireActorDeps, translatorFor } from '~/lib/auth.server';
import { INTERACTION_TYPES } from '~/lib/crm.constants';
import { interactionForm } from '~/lib/crm.forms';
import {
  createInteraction,
  createInteractionSchema,
  getOrganisation,
  hasPermission,
  listInteractions,
  listOrganisationPeople,
} from '~/lib/crm.server';
import { crmFailure, parseSubmission } from '~/lib/crm-actions.server';
import { isoToParisLocal } from '~/lib/crm-format';
import { isUuid, param } from '~/lib/crm-list';
import { interactionRows } from '~/lib/crm-views.server';
import { invalidForm, loaderGuard, notFound } from '~/lib/errors.server';
import { useT } from '~/lib/i18n';
import { crmTranslator, useCrmT } from '~/lib/i18n-crm';

const PAGE_SIZE = 20;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const id = params.id;
  if (!isUuid(id)) notFound();
  const cursor = param(new URL(request.url).searchParams, 'cursor', 500);
  const canCreate = hasPermission(deps.actor, 'interactions', 'create');
  const [page, people] = await loaderGuard(request, async () => {
    await getOrganisation(deps, id);
    return Promise.all([
      listInteractions(deps, { organisationId: id, limit: PAGE_SIZE, cursor, sort: '-occurredAt' }),
      canCreate && hasPermission(deps.actor, 'people', 'read')
        ? listOrganisationPeople(deps, id, { limit: 200, current: true })
        : null,
    ]);
  });
  return {
    interactions: await interactionRows(deps, page.data),
    nextCursor: page.nextCursor,
    people: (people?.data ?? []).map((member) => ({
      id: member.person.id,
      name: `${member.person.firstName} ${member.person.lastName}`,
      jobTitle: member.person.jobTitle,
    })),
    now: isoToParisLocal(new Date()),
    canCreate,
  };
}

/** "Consigner une interaction": type, date, subject, notes and participants among the organisation's people. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const ct = crmTranslator(localeOf(context));
  const organisationId = params.id;
  if (!isUuid(organisationId)) notFound();
  const form = await request.formData();
  const intent = 'logInteraction';
  const parsed = parseSubmission(interactionForm(ct), createInteractionSchema, form, t, {
    arrays: ['participants'],
    intent,
    extra: { organisationId },
  });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    const interaction = await createInteraction(deps, parsed.data);
    return {
      ok: true as const,
      intent,
      id: interaction.id,
      message: ct('logInteraction.done', { subject: interaction.subject }),
    };
  } catch (error) {
    return crmFailure(error, request, { t, ct, intent });
  }
}

function LogInteraction() {
  const { people, now } = useLoaderData<typeof loader>();
  const { organisation } = useOrganisation();
  const result = useActionData<typeof action>();
  const t = useT();
  const ct = useCrmT();
  const [params] = useSearchParams();
  const schema = useMemo(() => interactionForm(ct), [ct]);
  const saving = useSubmitting();
  const failure = result && !result.ok ? result : undefined;
  const logged = result?.ok ? result : null;
  return (
    <details
      className="disclosure"
      id="consigner"
      open={params.get('consigner') === '1' || Boolean(failure) || undefined}
    >
      <summary className="button button--primary">+ {ct('org.logInteraction')}</summary>
      <div className="disclosure__body">
        <p className="panel__lead">{ct('logInteraction.lead', { name: organisation.name })}</p>
        <ValidatedForm
          method="post"
          schema={schema}
          arrays={['participants']}
          failure={failure}
          resetKey={logged}
          className="stack"
        >
          <div className="field-row">
            <SelectField label={ct('interaction.type')} name="type" defaultValue="call">
              {INTERACTION_TYPES.map((type) => (
                <option key={type} value={type}>
                  {ct(`interactionType.${type}`)}
                </option>
              ))}
            </SelectField>
            <TextField
              label={ct('interaction.occurredAt')}
              name="occurredAt"
              type="datetime-local"
              defaultValue={now}
              hint={ct('interaction.occurredAtHint')}
              required
            />
          </div>
          <TextField label={ct('interaction.subject')} name="subject" required maxLength={300} />
          <TextAreaField label={ct('interaction.body')} name="body" optional rows={4} maxLength={50_000} />
          <CheckboxGroup
            legend={ct('interaction.participants')}
            name="participants"
            optional
            defaultValues={[]}
            empty={ct('interaction.noPeople')}
            options={people.map((person) => ({
              value: person.id,
              label: person.jobTitle ? `${person.name} — ${person.jobTitle}` : person.name,
            }))}
          />
          <div className="form-actions">
            <SubmitButton pending={saving} pendingLabel={t('common.saving')}>
              {ct('logInteraction.submit')}
            </SubmitButton>
          </div>
        </ValidatedForm>
      </div>
    </details>
  );
}

/** Interactions: the organisation's diary, newest first, and logging a new one. */
export default function OrganisationInteractions() {
  const { interactions, nextCursor, canCreate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const ct = useCrmT();
  return (
    <Section id="org-interactions" title={ct('org.tab.interactions')}>
      {result?.ok ? <Notice>{result.message}</Notice> : null}
      {canCreate ? <LogInteraction /> : null}
      {interactions.length === 0 ? (
        <EmptyState message={ct('org.interactions.empty')} />
      ) : (
        <InteractionList items={interactions} showOrganisation={false} label={ct('org.tab.interactions')} />
      )}
      <Pagination nextCursor={nextCursor} />
    </Section>
  );
}
