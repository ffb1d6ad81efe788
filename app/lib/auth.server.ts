import type { AppLoadContext } from '@remix-run/cloudflare';
import type { ActorDeps } from '../../worker/lib/service-context';
import { type Actor, hasPermission } from '../../worker/modules/identity/actor';
import type { Action, Resource } from '../../worker/modules/identity/permissions';
import { forbidden, loginRedirect } from './errors.server';
import { type Locale, type Translate, toLocale, translator } from './i18n';

/** The signed-in caller and service dependencies; anonymous visitors are sent to sign in. */
export function requireActorDeps(request: Request, context: AppLoadContext): ActorDeps {
  const actor = context.app.actor;
  if (!actor) throw loginRedirect(request);
  return { ...context.app.deps(), actor };
}

/** Throws the 403 page unless the actor holds one of the permissions. */
export function requireAnyPermission(actor: Actor, ...permissions: [Resource, Action][]): void {
  if (!permissions.some(([resource, action]) => hasPermission(actor, resource, action))) forbidden();
}

/** Who sees the "Administration" entry and may open /settings. */
export function canAdminister(actor: Actor | null): boolean {
  return !!actor && (hasPermission(actor, 'users', 'update') || hasPermission(actor, 'roles', 'manage'));
}

export function localeOf(context: AppLoadContext): Locale {
  return toLocale(context.app.actor?.locale);
}

export function translatorFor(context: AppLoadContext): Translate {
  return translator(localeOf(context));
}

/**
 * For /settings pages (loaders and actions alike: Remix runs a child route's
 * action without its parent's loader): the administration gate, then deps.
 */
export function requireAdminDeps(request: Request, context: AppLoadContext): ActorDeps {
  const deps = requireActorDeps(request, context);
  if (!canAdminister(deps.actor)) forbidden();
  return deps;
}
