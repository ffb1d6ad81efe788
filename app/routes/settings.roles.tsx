import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { FormAlert, Notice } from '~/components/form';
import { Panel } from '~/components/page';
import { requireAdminDeps, translatorFor } from '~/lib/auth.server';
import { actionFailure, invalidForm, loaderGuard } from '~/lib/errors.server';
import { failureFor, parseForm } from '~/lib/forms';
import { useT } from '~/lib/i18n';
import { rolePermissionsForm } from '~/lib/identity.forms';
import { ADMIN_LOCKOUT_GUARD, hasPermission, listRoles, replaceRolePermissions } from '~/lib/identity.server';
import { pageTitle } from '~/lib/meta';
import { ACTIONS, RESOURCES } from '../../worker/modules/identity/permissions';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'roles.title');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  // Highest level first: Admin, Manager, User, Viewer.
  const roles = (await loaderGuard(request, () => listRoles(deps))).reverse();
  const wanted = new URL(request.url).searchParams.get('role');
  const selected = roles.find((role) => role.id === wanted) ?? roles[0];
  return {
    roles: roles.map((role) => ({ id: role.id, name: role.name, count: role.permissions.length })),
    role: selected ?? null,
    guarded: ADMIN_LOCKOUT_GUARD,
    canManage: hasPermission(deps.actor, 'roles', 'manage'),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireAdminDeps(request, context);
  const t = translatorFor(context);
  const form = await request.formData();
  const parsed = parseForm(rolePermissionsForm, form, t, { intent: 'save', arrays: ['permissions'] });
  if (!parsed.success) return invalidForm(parsed.failure);
  const { roleId, permissions } = parsed.data;
  try {
    const role = await replaceRolePermissions(deps, roleId, permissions);
    return { ok: true as const, intent: 'save', roleId: role.id };
  } catch (error) {
    const missing = ADMIN_LOCKOUT_GUARD.filter((permission) => !permissions.includes(permission));
    return actionFailure(error, request, {
      t,
      intent: 'save',
      id: roleId,
      messages: { CONFLICT: t('roles.lockout', { permissions: missing.join(', ') }) },
    });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Matrix({
  role,
  guarded,
  canManage,
}: {
  role: NonNullable<LoaderData['role']>;
  guarded: string[];
  canManage: boolean;
}) {
  const t = useT();
  const result = useActionData<typeof action>();
  const failure = failureFor(result, 'save', role.id);
  const saved = result?.ok === true && result.roleId === role.id;
  const saving = useSubmitting('save');
  const [count, setCount] = useState(role.permissions.length);
  const granted = new Set<string>(role.permissions);
  const total = RESOURCES.length * ACTIONS.length;
  const roleLabel = t(`role.${role.id}`);

  return (
    <Form
      method="post"
      className="matrix"
      onChange={(event) =>
        setCount(event.currentTarget.querySelectorAll('input[name="permissions"]:checked').length)
      }
    >
      <input type="hidden" name="roleId" value={role.id} />
      <input type="hidden" name="intent" value="save" />
      {saved ? <Notice>{t('roles.saved', { role: roleLabel })}</Notice> : null}
      {failure?.formError ? <FormAlert message={failure.formError} /> : null}
      {canManage ? null : <p className="hint">{t('roles.readOnly')}</p>}
      <div className="matrix__bar">
        <h3 className="matrix__title">{t('roles.matrixCaption', { role: roleLabel })}</h3>
        <span className="matrix__count" aria-live="polite">
          {t('roles.count', { count, total })}
        </span>
      </div>
      <div className="table-wrap">
        <table className="table table--matrix">
          <caption className="visually-hidden">{t('roles.matrixCaption', { role: roleLabel })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('roles.resource')}</th>
              {ACTIONS.map((action) => (
                <th scope="col" key={action}>
                  {t(`action.${action}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {RESOURCES.map((resource) => (
              <tr key={resource}>
                <th scope="row">
                  <span className="matrix__resource">{t(`resource.${resource}`)}</span>
                  <code className="matrix__code">{resource}</code>
                </th>
                {ACTIONS.map((action) => {
                  const permission = `${resource}:${action}`;
                  const isGuarded = role.id === 'admin' && guarded.includes(permission);
                  return (
                    <td key={action} className="matrix__cell" data-guarded={isGuarded || undefined}>
                      <input
                        type="checkbox"
                        name="permissions"
                        value={permission}
                        defaultChecked={granted.has(permission)}
                        disabled={!canManage}
                        aria-label={t('roles.checkbox', { role: role.name, resource, action })}
                        aria-describedby={isGuarded ? 'guarded-note' : undefined}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {role.id === 'admin' ? (
        <p id="guarded-note" className="hint matrix__legend">
          <span className="matrix__lock" aria-hidden="true" /> {t('roles.guarded')}
        </p>
      ) : null}
      {canManage ? (
        <div className="form-actions">
          <SubmitButton pending={saving} pendingLabel={t('common.saving')}>
            {t('roles.save', { role: roleLabel })}
          </SubmitButton>
        </div>
      ) : null}
    </Form>
  );
}

export default function Roles() {
  const { roles, role, guarded, canManage } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <Panel id="roles-title" title={t('roles.title')} lead={t('roles.lead')}>
      <nav aria-label={t('roles.selector')} className="segmented">
        <ul>
          {roles.map((item) => (
            <li key={item.id}>
              <Link
                to={`?role=${item.id}`}
                className="segmented__link"
                aria-current={item.id === role?.id ? 'page' : undefined}
                preventScrollReset
                replace
              >
                <span>{t(`role.${item.id}`)}</span>
                <span className="segmented__meta">{item.count}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {role ? (
        <>
          <p className="hint">{t('roles.scope', { scope: t(`roles.scope.${role.scope}`) })}</p>
          <Matrix
            // Fresh checkboxes when the saved permissions change (after a save, or another role).
            key={`${role.id}:${role.permissions.join(',')}`}
            role={role}
            guarded={guarded}
            canManage={canManage}
          />
        </>
      ) : null}
    </Panel>
  );
}
