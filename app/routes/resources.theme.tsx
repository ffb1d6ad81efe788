import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/cloudflare';
import { redirect } from '@remix-run/cloudflare';
import { updateProfile } from '~/lib/identity.server';
import { safeRedirect } from '~/lib/safe-redirect';
import { getTheme, serializeThemeCookie, themeFormSchema } from '~/lib/theme.server';

/** GET /resources/theme: the theme the cookie currently selects. */
export function loader({ request }: LoaderFunctionArgs) {
  return Response.json({ theme: getTheme(request) }, { headers: { 'Cache-Control': 'no-store' } });
}

/**
 * POST /resources/theme (form fields `theme`, optional `redirectTo`).
 * Sets the theme cookie (and, when signed in, the account's theme). A form posted without JavaScript carries
 * `redirectTo` and is sent back there (same-origin paths only); a fetch or
 * Remix fetcher submission gets JSON, so the page does not navigate.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  // A preference cookie is low stakes, but other sites still may not set it.
  // Sec-Fetch-Site (sent by browsers) does not depend on proxies' Host rewrites.
  if (request.headers.get('Sec-Fetch-Site') === 'cross-site') {
    return Response.json(
      { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Cross-origin request refused.' },
      { status: 403, headers: { 'Content-Type': 'application/problem+json' } },
    );
  }

  const form = await request.formData().catch(() => null);
  const parsed = themeFormSchema.safeParse({
    theme: form?.get('theme') ?? undefined,
    redirectTo: form?.get('redirectTo') ?? undefined,
  });
  if (!parsed.success) {
    return Response.json(
      {
        type: 'about:blank',
        title: 'Invalid theme',
        status: 422,
        detail: 'theme must be one of light, dark, system.',
        errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      },
      { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
    );
  }

  const { theme, redirectTo } = parsed.data;
  // Signed in: the account remembers the choice too, for the user's other devices.
  const actor = context.app.actor;
  if (actor) {
    const deps = context.app.deps();
    await updateProfile({ ...deps, actor }, { theme }).catch((error: unknown) =>
      deps.log.warn('theme.profile_update_failed', {
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
  const headers = { 'Set-Cookie': serializeThemeCookie(theme, request) };
  if (redirectTo !== undefined) {
    // 303: the browser follows a POST with a GET of the page it came from.
    return redirect(safeRedirect(redirectTo), { status: 303, headers });
  }
  return Response.json({ theme }, { headers });
}
