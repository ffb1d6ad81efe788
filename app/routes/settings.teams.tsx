import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { ConfirmButton, SubmitButton, useSubmitting } from '~/components/buttons';
import { FormAlert, Notice, SelectField, TextField, ValidatedForm } from '~/components/form';
import { Panel } from '~/components/page';
import { requireAdminDeps, translatorFor } from '~/lib/auth.server';
import { actionFailure, invalidForm, loaderGuard } from '~/lib/errors.server';
import { failureFor, parseForm } from '~/lib/forms';
import { useT } from '~/lib/i18n';
import { idForm, teamForm, updateTeamForm } from '~/lib/identity.forms';
import {
  AppError,
  createTeam,
  deleteTeam,
  getTeam,
  hasPermission,
  listTeams,
  listUsers,
  updateTeam,
} from '~/lib/identity.server';
import { pageTitle } from '~/lib/meta';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'teams.title');

/** Manager candidates: the directory's first page is plenty for a distribution firm. */
const MAX_MANAGER_CANDIDATES = 200;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  const [teams, users] = await loaderGuard(request, () =>
    Promise.all([
      listTeams(deps),
      hasPermission(deps.actor, 'users', 'read')
        ? listUsers(deps, { limit: MAX_MANAGER_CANDIDATES }).then((page) => page.data)
        : Promise.resolve([]),
    ]),
  );
  const names = new Map(users.map((user) => [user.id, user.name]));
  return {
    teams: teams.map((team) => ({
      ...team,
      managerName: team.managerId ? (names.get(team.managerId) ?? null) : null,
    })),
    // Active users can be picked; a current manager stays listed even if inactive.
    candidates: users
      .filter((user) => user.active || teams.some((team) => team.managerId === user.id))
      .map((user) => ({ id: user.id, name: user.name })),
    canCreate: hasPermission(deps.actor, 'teams', 'create'),
    canUpdate: hasPermission(deps.actor, 'teams', 'update'),
    canDelete: hasPermission(deps.actor, 'teams', 'delete'),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  const t = translatorFor(context);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');

  if (intent === 'create') {
    const parsed = parseForm(teamForm, form, t, { intent });
    if (!parsed.success) return invalidForm(parsed.failure);
    try {
      const team = await createTeam(deps, parsed.data);
      return { ok: true as const, intent, id: team.id, name: team.name };
    } catch (error) {
      return actionFailure(error, request, { t, intent });
    }
  }

  if (intent === 'update') {
    const id = String(form.get('id') ?? '');
    const parsed = parseForm(updateTeamForm, form, t, { intent, id });
    if (!parsed.success) return invalidForm(parsed.failure);
    const { id: teamId, ...changes } = parsed.data;
    try {
      const team = await updateTeam(deps, teamId, changes);
      return { ok: true as const, intent, id: teamId, name: team.name };
    } catch (error) {
      return actionFailure(error, request, { t, intent, id: teamId });
    }
  }

  if (intent === 'delete') {
    const parsed = parseForm(idForm, form, t, { intent });
    if (!parsed.success) return invalidForm(parsed.failure);
    const { id } = parsed.data;
    let name = '';
    try {
      const team = await getTeam(deps, id);
      name = team.name;
      await deleteTeam(deps, id);
      return { ok: true as const, intent, id, name };
    } catch (error) {
      // Only empty teams can go: say how many members are left, in the user's words.
      const members = error instanceof AppError && error.code === 'CONFLICT' ? await getTeam(deps, id) : null;
      return actionFailure(error, request, {
        t,
        intent,
        id,
        messages: members
          ? {
              CONFLICT: t('teams.deleteConflict', { name: name || members.name, count: members.memberCount }),
            }
          : undefined,
      });
    }
  }

  return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function TeamRow({
  team,
  candidates,
  canUpdate,
  canDelete,
}: {
  team: LoaderData['teams'][number];
  candidates: LoaderData['candidates'];
  canUpdate: boolean;
  canDelete: boolean;
}) {
  const t = useT();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const failure = failureFor(result, undefined, team.id);
  const pendingIntent =
    navigation.formData?.get('id') === team.id ? String(navigation.formData.get('intent')) : null;
  const formId = `team-${team.id}`;
  return (
    <tr>
      <th scope="row">
        {canUpdate ? (
          <input
            className="input input--compact input--wide"
            name="name"
            form={formId}
            defaultValue={team.name}
            maxLength={200}
            required
            aria-label={t('teams.nameOf', { name: team.name })}
            aria-invalid={failure?.fieldErrors.name ? true : undefined}
          />
        ) : (
          team.name
        )}
      </th>
      <td data-label={t('teams.col.manager')}>
        {canUpdate ? (
          <select
            className="input input--compact input--wide"
            name="managerId"
            form={formId}
            defaultValue={team.managerId ?? ''}
            aria-label={t('teams.managerOf', { name: team.name })}
            aria-invalid={failure?.fieldErrors.managerId ? true : undefined}
          >
            <option value="">{t('teams.noManager')}</option>
            {candidates.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        ) : (
          (team.managerName ?? t('teams.noManager'))
        )}
      </td>
      <td className="numeric" data-label={t('teams.col.members')}>
        {t('teams.members', { count: team.memberCount })}
      </td>
      {canUpdate || canDelete ? (
        <td className="table__actions">
          <Form method="post" id={formId} className="row-actions" noValidate>
            <input type="hidden" name="id" value={team.id} />
            {canUpdate ? (
              <SubmitButton
                name="intent"
                value="update"
                variant="secondary"
                className="button--small"
                pending={pendingIntent === 'update'}
                aria-label={t('teams.saveLabel', { name: team.name })}
              >
                {t('common.save')}
              </SubmitButton>
            ) : null}
            {canDelete ? (
              <ConfirmButton
                label={t('teams.delete')}
                ariaLabel={t('teams.deleteLabel', { name: team.name })}
                title={t('teams.deleteLabel', { name: team.name })}
                message={t('teams.deleteQuestion', { name: team.name })}
                confirmLabel={t('teams.delete')}
                name="intent"
                value="delete"
                form={formId}
                pending={pendingIntent === 'delete'}
              />
            ) : null}
          </Form>
          {failure ? (
            <p className="field__error" role="alert">
              {failure.fieldErrors.name ?? failure.fieldErrors.managerId ?? failure.formError}
            </p>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

export default function Teams() {
  const { teams, candidates, canCreate, canUpdate, canDelete } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const creating = useSubmitting('create');
  const createFailure = failureFor(result, 'create');
  const done = result?.ok === true ? result : null;
  const generalFailure = result?.ok === false && !('id' in result && result.id) && result.intent !== 'create';

  return (
    <div className="panels">
      <Panel id="teams-title" title={t('teams.title')} lead={t('teams.lead')}>
        {done ? (
          <Notice>
            {t(
              `teams.${done.intent === 'create' ? 'created' : done.intent === 'delete' ? 'deleted' : 'updated'}`,
              { name: done.name },
            )}
          </Notice>
        ) : null}
        {generalFailure && result.formError ? <FormAlert message={result.formError} /> : null}
        {canUpdate || canDelete ? null : <p className="hint">{t('teams.readOnly')}</p>}
        {teams.length === 0 ? (
          <p className="empty">{t('teams.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--stack">
              <thead>
                <tr>
                  <th scope="col">{t('teams.col.name')}</th>
                  <th scope="col">{t('teams.col.manager')}</th>
                  <th scope="col">{t('teams.col.members')}</th>
                  {canUpdate || canDelete ? (
                    <th scope="col">
                      <span className="visually-hidden">{t('common.actions')}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {teams.map((team) => (
                  <TeamRow
                    key={team.id}
                    team={team}
                    candidates={candidates}
                    canUpdate={canUpdate}
                    canDelete={canDelete}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      {canCreate ? (
        <Panel id="create-team-title" title={t('teams.create')}>
          <ValidatedForm
            method="post"
            schema={teamForm}
            failure={createFailure}
            resetKey={done?.intent === 'create' ? done : null}
            className="stack"
          >
            <input type="hidden" name="intent" value="create" />
            <div className="field-row">
              <TextField label={t('teams.name')} name="name" maxLength={200} required />
              <SelectField label={t('teams.manager')} name="managerId" defaultValue="" optional>
                <option value="">{t('teams.noManager')}</option>
                {candidates.map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.name}
                  </option>
                ))}
              </SelectField>
            </div>
            <div className="form-actions">
              <SubmitButton pending={creating} pendingLabel={t('common.saving')}>
                {t('teams.createSubmit')}
              </SubmitButton>
            </div>
          </ValidatedForm>
        </Panel>
      ) : null}
    </div>
  );
}
