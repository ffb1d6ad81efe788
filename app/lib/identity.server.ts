/**
 * The identity services the UI calls, in one place: loaders and actions use
 * the same functions as the API (RBAC and validation live in the services).
 * Server-only (`.server.ts`): never bundled for the browser.
 */

export { AppError } from '../../worker/lib/errors';
export { enforceRateLimits } from '../../worker/lib/rate-limit';
export type { ActorDeps } from '../../worker/lib/service-context';
export type { Actor } from '../../worker/modules/identity/actor';
export { hasPermission } from '../../worker/modules/identity/actor';
export {
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from '../../worker/modules/identity/api-tokens.service';
export { LOGIN_LIMITS } from '../../worker/modules/identity/auth.routes';
export { changePassword, login, logout } from '../../worker/modules/identity/auth.service';
export { DEFAULT_DEMO_PASSWORD, DEMO_USERS } from '../../worker/modules/identity/demo';
export {
  ADMIN_LOCKOUT_GUARD,
  listRoles,
  replaceRolePermissions,
} from '../../worker/modules/identity/roles.service';
export {
  clearedSessionCookie,
  readSessionCookie,
  sessionCookie,
} from '../../worker/modules/identity/session-cookie';
export {
  createTeam,
  deleteTeam,
  getTeam,
  listTeams,
  updateTeam,
} from '../../worker/modules/identity/teams.service';
export {
  createUser,
  getUser,
  listUsers,
  updateProfile,
  updateUser,
} from '../../worker/modules/identity/users.service';
