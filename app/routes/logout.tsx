import { type ActionFunctionArgs, redirect } from '@remix-run/cloudflare';
import { clearedSessionCookie, logout } from '~/lib/identity.server';

/** GET /logout does nothing: signing out is a POST (the header's user menu). */
export function loader() {
  return redirect('/');
}

/** Revokes the session, clears the cookie and goes to the sign-in page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const actor = context.app.actor;
  if (actor?.via === 'session') await logout(context.app.deps(), actor);
  return redirect('/login?signedOut=1', {
    status: 303,
    headers: { 'Set-Cookie': clearedSessionCookie(request.url), 'Cache-Control': 'no-store' },
  });
}
