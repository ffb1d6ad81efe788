import { type LoaderFunctionArgs, redirect } from '@remix-run/cloudflare';
import { requireAdminDeps } from '~/lib/auth.server';
import { forbidden } from '~/lib/errors.server';
import { hasPermission } from '~/lib/identity.server';

/** /settings opens the first page the actor may read. */
export function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireAdminDeps(request, context);
  if (hasPermission(actor, 'users', 'read')) throw redirect('/settings/users');
  if (hasPermission(actor, 'teams', 'read')) throw redirect('/settings/teams');
  if (hasPermission(actor, 'roles', 'read')) throw redirect('/settings/roles');
  forbidden();
}

/** Never rendered (the loader always redirects or throws); makes this a page route, so a 403 is the error page. */
export default function SettingsIndex() {
  return null;
}
