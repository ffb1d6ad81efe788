import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useRef } from 'react';
import faviconHref from '~/assets/favicon.svg?url';
import { SubmitButton, useSubmitting } from '~/components/buttons';
import { Notice, TextField, ValidatedForm } from '~/components/form';
import { localeOf } from '~/lib/auth.server';
import { invalidForm } from '~/lib/errors.server';
import type { FormFailure } from '~/lib/forms';
import { parseForm } from '~/lib/forms';
import { type Translate, translator, useT } from '~/lib/i18n';
import { loginForm } from '~/lib/identity.forms';
import {
  AppError,
  DEFAULT_DEMO_PASSWORD,
  DEMO_USERS,
  enforceRateLimits,
  LOGIN_LIMITS,
  login,
  readSessionCookie,
  sessionCookie,
} from '~/lib/identity.server';
import { pageTitle } from '~/lib/meta';
import { safeRedirect } from '~/lib/safe-redirect';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'login.title');

export function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'));
  if (context.app.actor) throw redirect(redirectTo);
  const showDemo = context.cloudflare.env.ENVIRONMENT !== 'production';
  return {
    demo: showDemo
      ? {
          password: DEFAULT_DEMO_PASSWORD,
          users: DEMO_USERS.map((user) => ({ email: user.email, roleId: user.roleId })),
        }
      : null,
  };
}

function waitTime(t: Translate, seconds: number): string {
  return seconds >= 60
    ? t('login.minutes', { count: Math.ceil(seconds / 60) })
    : t('login.seconds', { count: seconds });
}

type LoginFailure = FormFailure & { email?: string };

/**
 * Signs in: same rate limits as POST /api/v1/auth/login (per account, per
 * IP), one message for unknown emails and wrong passwords, then back to the
 * page that asked for it (same-origin paths only).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const t = translator(localeOf(context));
  const form = await request.formData();
  const parsed = parseForm(loginForm, form, t);
  if (!parsed.success) return invalidForm(parsed.failure);
  const { email, password, redirectTo } = parsed.data;
  const deps = context.app.deps();
  const fail = (status: number, formError: string, headers?: HeadersInit) =>
    data<LoginFailure>({ ok: false, formError, fieldErrors: {}, email }, { status, headers });

  try {
    await enforceRateLimits(deps.cache, deps.log, [
      { rule: LOGIN_LIMITS.account, identifier: email },
      { rule: LOGIN_LIMITS.ip, identifier: deps.meta.ip ?? 'unknown' },
    ]);
    const session = await login(deps, { email, password, previousToken: readSessionCookie(request) });
    return redirect(safeRedirect(redirectTo), {
      status: 303,
      headers: {
        'Set-Cookie': sessionCookie(request.url, session.token, session.expiresAt),
        'Cache-Control': 'no-store',
      },
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'RATE_LIMITED') {
      const seconds = Math.max(1, Number(error.headers['Retry-After'] ?? '60'));
      return fail(429, t('login.rateLimited', { time: waitTime(t, seconds) }), {
        'Retry-After': String(seconds),
      });
    }
    if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
      return fail(401, t('login.invalid'));
    }
    throw error;
  }
}

export default function Login() {
  const { demo } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const submitting = useSubmitting();
  const formRef = useRef<HTMLDivElement>(null);
  const redirectTo = params.get('redirectTo') ?? '';

  const fill = (email: string, password: string) => {
    const root = formRef.current;
    const emailInput = root?.querySelector<HTMLInputElement>('input[name="email"]');
    const passwordInput = root?.querySelector<HTMLInputElement>('input[name="password"]');
    if (!emailInput || !passwordInput) return;
    emailInput.value = email;
    passwordInput.value = password;
    passwordInput.focus();
  };

  return (
    <div className="auth">
      <section className="auth__card" aria-labelledby="login-title" ref={formRef}>
        <div className="auth__brand">
          <img src={faviconHref} alt="" width="40" height="40" />
          <span>{t('app.name')}</span>
        </div>
        <h1 id="login-title" className="auth__title">
          {t('login.heading')}
        </h1>
        <p className="auth__lead">{t('login.lead')}</p>
        {params.has('signedOut') && !failure ? <Notice tone="info">{t('login.signedOut')}</Notice> : null}
        <ValidatedForm method="post" schema={loginForm} failure={failure} className="stack" replace>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <TextField
            label={t('login.email')}
            name="email"
            type="email"
            autoComplete="username"
            inputMode="email"
            spellCheck={false}
            required
            defaultValue={failure && 'email' in failure ? String(failure.email ?? '') : undefined}
          />
          <TextField
            label={t('login.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
          <SubmitButton pending={submitting} pendingLabel={t('login.submitting')} className="button--block">
            {t('login.submit')}
          </SubmitButton>
        </ValidatedForm>
      </section>

      {demo ? (
        <aside className="auth__demo" aria-labelledby="demo-title">
          <h2 id="demo-title">{t('login.demo.title')}</h2>
          <p>{t('login.demo.body', { password: demo.password })}</p>
          <ul>
            {demo.users.map((user) => (
              <li key={user.email}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => fill(user.email, demo.password)}
                  aria-label={t('login.demo.use', { email: user.email })}
                >
                  {user.email}
                </button>
                <span className="auth__demo-role">{t(`role.${user.roleId}`)}</span>
              </li>
            ))}
          </ul>
        </aside>
      ) : null}
    </div>
  );
}
