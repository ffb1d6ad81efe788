import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useRef } from 'react';
import { ConfirmButton, CopyButton, SubmitButton, useSubmitting } from '~/components/buttons';
import { FormAlert, Notice, TextField, useFieldError, ValidatedForm } from '~/components/form';
import { Panel } from '~/components/page';
import { requireActorDeps, translatorFor } from '~/lib/auth.server';
import { actionFailure, invalidForm, loaderGuard } from '~/lib/errors.server';
import { failureFor, parseForm } from '~/lib/forms';
import { formatDate, useLocale, useT } from '~/lib/i18n';
import { createTokenForm, idForm } from '~/lib/identity.forms';
import { createApiToken, listApiTokens, revokeApiToken } from '~/lib/identity.server';
import { pageTitle } from '~/lib/meta';
import { ACTIONS, RESOURCES } from '../../worker/modules/identity/permissions';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'tokens.title');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const tokens = await loaderGuard(request, () => listApiTokens(deps));
  const now = Date.now();
  // The actor's permissions, in catalogue order, grouped by resource: what a token may carry.
  const grantable = RESOURCES.map((resource) => ({
    resource,
    actions: ACTIONS.filter((action) => deps.actor.permissions.has(`${resource}:${action}`)),
  })).filter((group) => group.actions.length > 0);
  return {
    canCreate: deps.actor.via === 'session',
    grantable,
    tokens: tokens.map((token) => ({
      ...token,
      scopeCount: token.scopes.length,
      status: token.revokedAt
        ? ('revoked' as const)
        : token.expiresAt && Date.parse(token.expiresAt) <= now
          ? ('expired' as const)
          : ('active' as const),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const form = await request.formData();

  if (form.get('intent') === 'revoke') {
    const parsed = parseForm(idForm, form, t, { intent: 'revoke' });
    if (!parsed.success) return invalidForm(parsed.failure);
    try {
      await revokeApiToken(deps, parsed.data.id);
    } catch (error) {
      return actionFailure(error, request, { t, intent: 'revoke', id: parsed.data.id });
    }
    return { ok: true as const, intent: 'revoke' as const, id: parsed.data.id, created: null };
  }

  const parsed = parseForm(createTokenForm, form, t, { intent: 'create', arrays: ['scopes'] });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    const { token, apiToken } = await createApiToken(deps, parsed.data);
    // The secret is in this response only: never cached, never in a URL.
    return data(
      {
        ok: true as const,
        intent: 'create' as const,
        id: apiToken.id,
        created: { name: apiToken.name, token },
      },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch (error) {
    return actionFailure(error, request, { t, intent: 'create' });
  }
}

function CreatedToken({ name, token }: { name: string; token: string }) {
  const t = useT();
  return (
    <section className="secret" aria-labelledby="secret-title">
      <h3 id="secret-title" className="secret__title">
        {t('tokens.created.title', { name })}
      </h3>
      <p className="secret__warning">
        <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
          <path
            d="M12 3 2 20h20L12 3Zm0 6v5m0 3v.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        {t('tokens.created.warning')}
      </p>
      <div className="secret__value">
        <label htmlFor="token-secret" className="visually-hidden">
          {t('tokens.created.label')}
        </label>
        <input
          id="token-secret"
          className="input input--mono"
          value={token}
          readOnly
          onFocus={(event) => event.currentTarget.select()}
          spellCheck={false}
        />
        <CopyButton value={token} label={`${t('common.copy')} — ${t('tokens.created.label')}`} />
      </div>
    </section>
  );
}

function ScopePicker() {
  const t = useT();
  const { grantable } = useLoaderData<typeof loader>();
  const ref = useRef<HTMLFieldSetElement>(null);
  const error = useFieldError('scopes');
  const setAll = (checked: boolean) => {
    for (const box of ref.current?.querySelectorAll<HTMLInputElement>('input[type="checkbox"]') ?? []) {
      box.checked = checked;
    }
  };
  return (
    <fieldset
      className={`scopes${error ? ' scopes--invalid' : ''}`}
      ref={ref}
      aria-describedby={error ? 'scopes-error scopes-hint' : 'scopes-hint'}
    >
      <legend className="field__label">{t('tokens.scopes')}</legend>
      <p id="scopes-hint" className="field__hint">
        {t('tokens.scopesHint')}
      </p>
      {error ? (
        <p id="scopes-error" className="field__error">
          {error}
        </p>
      ) : null}
      <div className="scopes__tools">
        <button type="button" className="link-button" onClick={() => setAll(true)}>
          {t('tokens.selectAll')}
        </button>
        <button type="button" className="link-button" onClick={() => setAll(false)}>
          {t('tokens.selectNone')}
        </button>
      </div>
      <div className="scopes__grid">
        {grantable.map((group) => (
          <fieldset key={group.resource} className="scopes__group">
            <legend>{t(`resource.${group.resource}`)}</legend>
            {group.actions.map((action) => (
              <label key={action} className="check">
                <input type="checkbox" name="scopes" value={`${group.resource}:${action}`} defaultChecked />
                {t(`action.${action}`)}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}

export default function Tokens() {
  const { tokens, canCreate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const creating = useSubmitting('create');
  const createFailure = failureFor(result, 'create');
  const revokeFailure = failureFor(result, 'revoke');
  const revokedName =
    result?.ok === true && result.intent === 'revoke'
      ? tokens.find((token) => token.id === result.id)?.name
      : null;
  const revoking = navigation.formData?.get('intent') === 'revoke' ? navigation.formData.get('id') : null;

  return (
    <div className="panels">
      <Panel id="tokens-title" title={t('tokens.list')} lead={t('tokens.lead')}>
        {result?.ok === true && result.created ? <CreatedToken {...result.created} /> : null}
        {revokedName ? <Notice>{t('tokens.revoked', { name: revokedName })}</Notice> : null}
        {revokeFailure?.formError ? <FormAlert message={revokeFailure.formError} /> : null}
        {tokens.length === 0 ? (
          <p className="empty">{t('tokens.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--stack">
              <thead>
                <tr>
                  <th scope="col">{t('tokens.col.name')}</th>
                  <th scope="col">{t('tokens.col.prefix')}</th>
                  <th scope="col">{t('tokens.col.scopes')}</th>
                  <th scope="col">{t('tokens.col.lastUsed')}</th>
                  <th scope="col">{t('tokens.col.expires')}</th>
                  <th scope="col">{t('tokens.col.status')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((token) => (
                  <tr key={token.id} data-status={token.status}>
                    <th scope="row">{token.name}</th>
                    <td data-label={t('tokens.col.prefix')}>
                      <code>{token.prefix}…</code>
                    </td>
                    <td data-label={t('tokens.col.scopes')} title={token.scopes.join(', ')}>
                      {t('tokens.scopeCount', { count: token.scopeCount })}
                    </td>
                    <td data-label={t('tokens.col.lastUsed')}>
                      {token.lastUsedAt ? formatDate(locale, token.lastUsedAt, true) : t('common.never')}
                    </td>
                    <td data-label={t('tokens.col.expires')}>
                      {token.expiresAt ? formatDate(locale, token.expiresAt) : t('tokens.noExpiry')}
                    </td>
                    <td data-label={t('tokens.col.status')}>
                      <span className={`status status--${token.status}`}>
                        {token.status === 'revoked'
                          ? t('tokens.status.revoked', { date: formatDate(locale, token.revokedAt) })
                          : t(`tokens.status.${token.status}`)}
                      </span>
                    </td>
                    <td className="table__actions">
                      {token.status === 'revoked' ? null : (
                        <Form method="post">
                          <input type="hidden" name="id" value={token.id} />
                          <ConfirmButton
                            label={t('tokens.revoke')}
                            ariaLabel={`${t('tokens.revoke')} ${token.name}`}
                            title={t('tokens.revoke')}
                            message={t('tokens.revokeQuestion', { name: token.name })}
                            confirmLabel={t('tokens.revokeConfirm')}
                            name="intent"
                            value="revoke"
                            pending={revoking === token.id}
                          />
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <Panel id="create-token-title" title={t('tokens.create')}>
        {canCreate ? (
          <ValidatedForm
            method="post"
            schema={createTokenForm}
            arrays={['scopes']}
            failure={createFailure}
            resetKey={result?.ok === true && result.created ? result : null}
            className="stack"
          >
            <input type="hidden" name="intent" value="create" />
            <div className="field-row">
              <TextField
                label={t('tokens.name')}
                name="name"
                hint={t('tokens.nameHint')}
                maxLength={100}
                required
              />
              <TextField
                label={t('tokens.expiresInDays')}
                name="expiresInDays"
                type="number"
                inputMode="numeric"
                min={1}
                max={3650}
                defaultValue="90"
                hint={t('tokens.expiresHint')}
                optional
              />
            </div>
            <ScopePicker />
            <div className="form-actions">
              <SubmitButton pending={creating} pendingLabel={t('common.saving')}>
                {t('tokens.create')}
              </SubmitButton>
            </div>
          </ValidatedForm>
        ) : (
          <p className="empty">{t('tokens.sessionOnly')}</p>
        )}
      </Panel>
    </div>
  );
}
