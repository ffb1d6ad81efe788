import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/cloudflare';
import { useActionData, useLoaderData } from '@remix-run/react';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { Notice, SelectField, TextField, ValidatedForm } from '~/components/form';
import { Panel } from '~/components/page';
import { requireActorDeps, translatorFor } from '~/lib/auth.server';
import { actionFailure, invalidForm, loaderGuard } from '~/lib/errors.server';
import { failureFor, parseForm } from '~/lib/forms';
import { useT } from '~/lib/i18n';
import { passwordForm, profileForm } from '~/lib/identity.forms';
import { changePassword, getUser, updateProfile } from '~/lib/identity.server';
import { pageTitle } from '~/lib/meta';
import { THEMES } from '~/lib/theme';
import { serializeThemeCookie } from '~/lib/theme.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'profile.tab.profile');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const user = await loaderGuard(request, () => getUser(deps, deps.actor.userId));
  return {
    user: { name: user.name, email: user.email, roleId: user.roleId, locale: user.locale, theme: user.theme },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const deps = requireActorDeps(request, context);
  const t = translatorFor(context);
  const form = await request.formData();
  const intent = form.get('intent') === 'password' ? 'password' : 'profile';

  if (intent === 'profile') {
    const parsed = parseForm(profileForm, form, t, { intent });
    if (!parsed.success) return invalidForm(parsed.failure);
    try {
      await updateProfile(deps, parsed.data);
    } catch (error) {
      return actionFailure(error, request, { t, intent });
    }
    // The theme cookie drives the first paint; keep it in step with the account.
    return data(
      { ok: true as const, intent },
      { headers: { 'Set-Cookie': serializeThemeCookie(parsed.data.theme, request) } },
    );
  }

  const parsed = parseForm(passwordForm, form, t, { intent });
  if (!parsed.success) return invalidForm(parsed.failure);
  try {
    await changePassword(deps, deps.actor, parsed.data);
  } catch (error) {
    return actionFailure(error, request, { t, intent });
  }
  return { ok: true as const, intent };
}

export default function Profile() {
  const { user } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const saved = result && result.ok === true ? result.intent : null;
  const savingProfile = useSubmitting('profile');
  const savingPassword = useSubmitting('password');

  return (
    <div className="panels">
      <Panel id="profile-title" title={t('profile.section')} lead={t('profile.sectionLead')}>
        {saved === 'profile' ? <Notice>{t('profile.saved')}</Notice> : null}
        <ValidatedForm
          method="post"
          schema={profileForm}
          failure={failureFor(result, 'profile')}
          className="stack"
        >
          <input type="hidden" name="intent" value="profile" />
          <TextField
            label={t('profile.email')}
            name="email"
            value={user.email}
            readOnly
            hint={t('profile.emailHint')}
          />
          <TextField
            label={t('profile.name')}
            name="name"
            defaultValue={user.name}
            autoComplete="name"
            required
          />
          <div className="field-row">
            <SelectField label={t('profile.locale')} name="locale" defaultValue={user.locale}>
              <option value="fr" lang="fr">
                {t('profile.locale.fr')}
              </option>
              <option value="en" lang="en">
                {t('profile.locale.en')}
              </option>
            </SelectField>
            <SelectField label={t('profile.theme')} name="theme" defaultValue={user.theme}>
              {THEMES.map((theme) => (
                <option key={theme} value={theme}>
                  {t(`theme.${theme}`)}
                </option>
              ))}
            </SelectField>
          </div>
          <div className="form-actions">
            <SubmitButton pending={savingProfile} pendingLabel={t('common.saving')}>
              {t('common.save')}
            </SubmitButton>
          </div>
        </ValidatedForm>
      </Panel>

      <Panel id="password-title" title={t('password.section')} lead={t('password.lead')}>
        {saved === 'password' ? <Notice>{t('password.changed')}</Notice> : null}
        <ValidatedForm
          method="post"
          schema={passwordForm}
          failure={failureFor(result, 'password')}
          resetKey={saved === 'password' ? result : null}
          className="stack"
        >
          <input type="hidden" name="intent" value="password" />
          {/* Lets password managers attach the new password to the right account. */}
          <input type="text" name="username" value={user.email} autoComplete="username" readOnly hidden />
          <TextField
            label={t('password.current')}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
          />
          <TextField
            label={t('password.new')}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            hint={t('password.newHint')}
            minLength={10}
            required
          />
          <TextField
            label={t('password.confirm')}
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
          />
          <div className="form-actions">
            <SubmitButton pending={savingPassword} pendingLabel={t('common.saving')}>
              {t('password.submit')}
            </SubmitButton>
          </div>
        </ValidatedForm>
      </Panel>
    </div>
  );
}
