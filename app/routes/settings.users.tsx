import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from '@remix-run/react';
import { z } from 'zod';
import { ConfirmButton, CopyButton, SubmitButton, useSubmitting } from '~/components/buttons';
import { FormAlert, Notice, SelectField, TextField, ValidatedForm } from '~/components/form';
import { Panel } from '~/components/page';
import { requireAdminDeps, translatorFor } from '~/lib/auth.server';
import { actionFailure, invalidForm, loaderGuard } from '~/lib/errors.server';
import { failureFor, parseForm } from '~/lib/forms';
import { formatDate, useLocale, useT } from '~/lib/i18n';
import { createUserForm, idForm, updateUserForm } from '~/lib/identity.forms';
import { AppError, createUser, hasPermission, listTeams, listUsers, updateUser } from '~/lib/identity.server';
import { pageTitle } from '~/lib/meta';
import { ROLE_IDS } from '../../worker/modules/identity/permissions';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'users.title');

const PAGE_SIZE = 20;

/** The list's URL state; anything invalid is ignored rather than an error. */
const filtersSchema = z.object({
  q: z.string().trim().min(1).max(100).optional().catch(undefined),
  roleId: z.enum(ROLE_IDS).optional().catch(undefined),
  teamId: z.uuid().optional().catch(undefined),
  status: z.enum(['active', 'inactive']).optional().catch(undefined),
  cursor: z.string().min(1).max(500).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  const url = new URL(request.url);
  const filters = filtersSchema.parse(Object.fromEntries(url.searchParams));
  const [page, teams] = await loaderGuard(request, async () => {
    try {
      return await Promise.all([
        listUsers(deps, {
          limit: PAGE_SIZE,
          q: filters.q,
          roleId: filters.roleId,
          teamId: filters.teamId,
          active: filters.status === undefined ? undefined : filters.status === 'active',
          cursor: filters.cursor,
        }),
        hasPermission(deps.actor, 'teams', 'read') ? listTeams(deps) : Promise.resolve([]),
      ]);
    } catch (error) {
      // A stale or edited cursor: start the list again rather than fail.
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && filters.cursor) {
        url.searchParams.delete('cursor');
        throw redirect(`${url.pathname}${url.search}`);
      }
      throw error;
    }
  });
  const teamNames = new Map(teams.map((team) => [team.id, team.name]));
  return {
    filters,
    users: page.data.map((user) => ({
      id: user.id,
      name: user.name,
      email: user.email,
      roleId: user.roleId,
      teamId: user.teamId,
      teamName: user.teamId ? (teamNames.get(user.teamId) ?? null) : null,
      active: user.active,
      lastLoginAt: user.lastLoginAt,
    })),
    nextCursor: page.nextCursor,
    teams: teams.map((team) => ({ id: team.id, name: team.name })),
    actorId: deps.actor.userId,
    canCreate: hasPermission(deps.actor, 'users', 'create'),
    canUpdate: hasPermission(deps.actor, 'users', 'update'),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  const t = translatorFor(context);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const messages = { CONFLICT: t('users.selfConflict') };

  if (intent === 'create') {
    const parsed = parseForm(createUserForm, form, t, { intent });
    if (!parsed.success) return invalidForm(parsed.failure);
    try {
      const { user, temporaryPassword } = await createUser(deps, parsed.data);
      // A temporary password is shown once: never cached.
      return data(
        { ok: true as const, intent, id: user.id, name: user.name, temporaryPassword },
        { headers: { 'Cache-Control': 'no-store' } },
      );
    } catch (error) {
      // A duplicate email is a CONFLICT with a field error: keep the field's wording.
      return actionFailure(error, request, { t, intent });
    }
  }

  if (intent === 'update') {
    const parsed = parseForm(updateUserForm, form, t, { intent, id: String(form.get('id') ?? '') });
    if (!parsed.success) return invalidForm(parsed.failure);
    const { id, ...changes } = parsed.data;
    try {
      const user = await updateUser(deps, id, changes);
      return { ok: true as const, intent, id, name: user.name, temporaryPassword: null };
    } catch (error) {
      return actionFailure(error, request, { t, intent, id, messages });
    }
  }

  if (intent === 'deactivate' || intent === 'reactivate') {
    const parsed = parseForm(idForm, form, t, { intent });
    if (!parsed.success) return invalidForm(parsed.failure);
    const { id } = parsed.data;
    try {
      const user = await updateUser(deps, id, { active: intent === 'reactivate' });
      return { ok: true as const, intent, id, name: user.name, temporaryPassword: null };
    } catch (error) {
      return actionFailure(error, request, { t, intent, id, messages });
    }
  }

  return invalidForm({ ok: false, formError: t('errors.generic'), fieldErrors: {} });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Filters({ filters, teams }: Pick<LoaderData, 'filters' | 'teams'>) {
  const t = useT();
  const submit = useSubmit();
  const active = Boolean(filters.q || filters.roleId || filters.teamId || filters.status);
  return (
    <Form method="get" className="filters" role="search" aria-label={t('common.filter')}>
      <TextField
        label={t('users.search')}
        name="q"
        type="search"
        defaultValue={filters.q ?? ''}
        placeholder={t('users.searchPlaceholder')}
        maxLength={100}
      />
      <SelectField
        label={t('users.filterRole')}
        name="roleId"
        defaultValue={filters.roleId ?? ''}
        onChange={(event) => submit(event.currentTarget.form)}
      >
        <option value="">{t('users.allRoles')}</option>
        {ROLE_IDS.map((role) => (
          <option key={role} value={role}>
            {t(`role.${role}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('users.filterTeam')}
        name="teamId"
        defaultValue={filters.teamId ?? ''}
        onChange={(event) => submit(event.currentTarget.form)}
      >
        <option value="">{t('users.allTeams')}</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('users.filterStatus')}
        name="status"
        defaultValue={filters.status ?? ''}
        onChange={(event) => submit(event.currentTarget.form)}
      >
        <option value="">{t('users.allStatuses')}</option>
        <option value="active">{t('users.activeOnly')}</option>
        <option value="inactive">{t('users.inactiveOnly')}</option>
      </SelectField>
      <div className="filters__actions">
        <button type="submit" className="button button--secondary">
          {t('common.filter')}
        </button>
        {active ? (
          <Link to="/settings/users" className="button button--ghost">
            {t('common.reset')}
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

function CreateUser({ teams }: Pick<LoaderData, 'teams'>) {
  const t = useT();
  const result = useActionData<typeof action>();
  const failure = failureFor(result, 'create');
  const created = result?.ok === true && result.intent === 'create' ? result : null;
  const creating = useSubmitting('create');
  return (
    <details className="disclosure" open={failure ? true : undefined}>
      <summary className="button button--primary">{t('users.create')}</summary>
      <div className="disclosure__body">
        <p className="panel__lead">{t('users.create.lead')}</p>
        <ValidatedForm
          method="post"
          schema={createUserForm}
          failure={failure}
          resetKey={created}
          className="stack"
        >
          <input type="hidden" name="intent" value="create" />
          <div className="field-row">
            <TextField label={t('users.email')} name="email" type="email" autoComplete="off" required />
            <TextField label={t('users.name')} name="name" autoComplete="off" required />
          </div>
          <div className="field-row">
            <SelectField label={t('users.role')} name="roleId" defaultValue="user">
              {ROLE_IDS.map((role) => (
                <option key={role} value={role}>
                  {t(`role.${role}`)}
                </option>
              ))}
            </SelectField>
            <SelectField label={t('users.team')} name="teamId" defaultValue="">
              <option value="">{t('users.noTeam')}</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t('users.password')}
              name="password"
              type="password"
              autoComplete="new-password"
              hint={t('users.passwordHint')}
              optional
            />
          </div>
          <div className="form-actions">
            <SubmitButton pending={creating} pendingLabel={t('common.saving')}>
              {t('users.createSubmit')}
            </SubmitButton>
          </div>
        </ValidatedForm>
      </div>
    </details>
  );
}

function Outcome() {
  const t = useT();
  const result = useActionData<typeof action>();
  if (!result) return null;
  if (result.ok === false) {
    // Row failures show in their row; the create form shows its own.
    if (result.intent === 'create' || ('id' in result && result.id)) return null;
    return result.formError ? <FormAlert message={result.formError} /> : null;
  }
  if (result.intent === 'create') {
    return (
      <div className="secret" role="status">
        <p className="secret__title">{t('users.created', { name: result.name })}</p>
        {result.temporaryPassword ? (
          <>
            <p className="secret__warning">{t('users.temporaryPasswordWarning', { name: result.name })}</p>
            <div className="secret__value">
              <label htmlFor="temporary-password" className="visually-hidden">
                {t('users.temporaryPassword')}
              </label>
              <input
                id="temporary-password"
                className="input input--mono"
                value={result.temporaryPassword}
                readOnly
                onFocus={(event) => event.currentTarget.select()}
              />
              <CopyButton
                value={result.temporaryPassword}
                label={`${t('common.copy')} — ${t('users.temporaryPassword')}`}
              />
            </div>
          </>
        ) : null}
      </div>
    );
  }
  const key =
    result.intent === 'deactivate'
      ? 'users.deactivated'
      : result.intent === 'reactivate'
        ? 'users.reactivated'
        : 'users.updated';
  return <Notice>{t(key, { name: result.name })}</Notice>;
}

function UserRow({
  user,
  teams,
  isSelf,
  canUpdate,
}: {
  user: LoaderData['users'][number];
  teams: LoaderData['teams'];
  isSelf: boolean;
  canUpdate: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const failure = failureFor(result, undefined, user.id);
  const pendingIntent =
    navigation.formData?.get('id') === user.id ? String(navigation.formData.get('intent')) : null;
  const formId = `user-${user.id}`;
  const roleName = t(`role.${user.roleId}`);

  return (
    <tr data-inactive={user.active ? undefined : true}>
      <th scope="row">
        <span className="person">
          <span className="person__name">
            {user.name}
            {isSelf ? <span className="tag">{t('users.you')}</span> : null}
          </span>
          <span className="person__email">{user.email}</span>
          <span className="person__email">
            {t('users.lastLogin', {
              date: user.lastLoginAt
                ? formatDate(locale, user.lastLoginAt, true)
                : t('common.never').toLowerCase(),
            })}
          </span>
        </span>
      </th>
      <td data-label={t('users.col.role')}>
        {canUpdate ? (
          <select
            className="input input--compact"
            name="roleId"
            form={formId}
            defaultValue={user.roleId}
            aria-label={t('users.roleOf', { name: user.name })}
            disabled={isSelf}
            aria-invalid={failure?.fieldErrors.roleId ? true : undefined}
          >
            {ROLE_IDS.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        ) : (
          roleName
        )}
        {/* A disabled select is not submitted: send the current role. */}
        {canUpdate && isSelf ? <input type="hidden" name="roleId" form={formId} value={user.roleId} /> : null}
      </td>
      <td data-label={t('users.col.team')}>
        {canUpdate ? (
          <select
            className="input input--compact input--wide"
            name="teamId"
            form={formId}
            defaultValue={user.teamId ?? ''}
            aria-label={t('users.teamOf', { name: user.name })}
            aria-invalid={failure?.fieldErrors.teamId ? true : undefined}
          >
            <option value="">{t('users.noTeam')}</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        ) : (
          (user.teamName ?? t('users.noTeam'))
        )}
      </td>
      <td data-label={t('users.col.status')}>
        <span className={`status status--${user.active ? 'active' : 'inactive'}`}>
          {user.active ? t('users.active') : t('users.inactive')}
        </span>
      </td>
      {canUpdate ? (
        <td className="table__actions">
          <Form method="post" id={formId} className="row-actions" noValidate>
            <input type="hidden" name="id" value={user.id} />
            <SubmitButton
              name="intent"
              value="update"
              variant="secondary"
              className="button--small"
              pending={pendingIntent === 'update'}
              aria-label={t('users.saveRowLabel', { name: user.name })}
            >
              {t('users.saveRow')}
            </SubmitButton>
            {isSelf ? null : user.active ? (
              <ConfirmButton
                label={t('users.deactivate')}
                ariaLabel={t('users.deactivateLabel', { name: user.name })}
                title={t('users.deactivateLabel', { name: user.name })}
                message={t('users.deactivateQuestion', { name: user.name })}
                confirmLabel={t('users.deactivate')}
                name="intent"
                value="deactivate"
                form={formId}
                pending={pendingIntent === 'deactivate'}
              />
            ) : (
              <SubmitButton
                name="intent"
                value="reactivate"
                variant="ghost"
                className="button--small"
                pending={pendingIntent === 'reactivate'}
                aria-label={t('users.reactivateLabel', { name: user.name })}
              >
                {t('users.reactivate')}
              </SubmitButton>
            )}
          </Form>
          {failure ? (
            <p className="field__error" role="alert">
              {failure.fieldErrors.teamId ?? failure.fieldErrors.roleId ?? failure.formError}
            </p>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

export default function Users() {
  const { users, teams, filters, nextCursor, actorId, canCreate, canUpdate } = useLoaderData<typeof loader>();
  const t = useT();
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value && key !== 'cursor') params.set(key, value);
  const firstPage = `/settings/users${params.size ? `?${params}` : ''}`;
  const nextPage = nextCursor
    ? `/settings/users?${new URLSearchParams([...params, ['cursor', nextCursor]])}`
    : null;

  return (
    <Panel id="users-title" title={t('users.title')} lead={t('users.lead')}>
      <Outcome />
      {canCreate ? <CreateUser teams={teams} /> : null}
      {canUpdate ? null : <p className="hint">{t('users.readOnly')}</p>}
      <Filters filters={filters} teams={teams} />
      {users.length === 0 ? (
        <div className="empty">
          <p>{t('users.empty')}</p>
          <Link to="/settings/users">{t('users.emptyReset')}</Link>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table table--stack">
            <caption className="visually-hidden">{t('users.count', { count: users.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.col.name')}</th>
                <th scope="col">{t('users.col.role')}</th>
                <th scope="col">{t('users.col.team')}</th>
                <th scope="col">{t('users.col.status')}</th>
                {canUpdate ? (
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  teams={teams}
                  isSelf={user.id === actorId}
                  canUpdate={canUpdate}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {filters.cursor || nextPage ? (
        <nav className="pagination" aria-label={t('users.pagination')}>
          {filters.cursor ? <Link to={firstPage}>{t('users.first')}</Link> : <span />}
          {nextPage ? (
            <Link to={nextPage} rel="next">
              {t('users.next')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </Panel>
  );
}
