import { AppError } from '../../lib/errors';
import { type Action, type Permission, type Resource, ROLES, type RoleId } from './permissions';

/** Who is calling, resolved once per request from a session or an API token. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  roleId: RoleId;
  level: number;
  teamId: string | null;
  locale: string;
  theme: string;
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'api-token';
  sessionId?: string;
  tokenId?: string;
}

export function hasPermission(actor: Actor, resource: Resource, action: Action): boolean {
  return actor.permissions.has(`${resource}:${action}`);
}

/** Service-level guard: the same check whether the call comes from the API or a Remix loader. */
export function assertPermission(actor: Actor, resource: Resource, action: Action): void {
  if (!hasPermission(actor, resource, action)) {
    throw new AppError('FORBIDDEN', { detail: `Missing permission ${resource}:${action}` });
  }
}

export function assertRole(actor: Actor, minimum: RoleId): void {
  if (actor.level < ROLES[minimum].level) {
    throw new AppError('FORBIDDEN', { detail: `Requires the ${ROLES[minimum].name} role or higher` });
  }
}

export function recordScope(actor: Actor): 'own' | 'team' | 'all' {
  return ROLES[actor.roleId].scope;
}
