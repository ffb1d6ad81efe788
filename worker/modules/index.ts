import type { AppRouter } from '../lib/context';
import { affiliationsRoutes, organisationPeopleRoutes } from './affiliations/affiliations.routes';
import { auditRoutes } from './audit/audit.routes';
import { cacheAdminRoutes } from './cache/cache.routes';
import { emailPublicRoutes } from './email/email.public.routes';
import { emailRoutes } from './email/email.routes';
import { exportsRoutes } from './exports/exports.routes';
import { gdprRoutes } from './gdpr/gdpr.routes';
import { healthRoutes } from './health/health.routes';
import { apiTokensRoutes } from './identity/api-tokens.routes';
import { authRoutes } from './identity/auth.routes';
import { permissionsRoutes, rolesRoutes } from './identity/roles.routes';
import { teamsRoutes } from './identity/teams.routes';
import { usersRoutes } from './identity/users.routes';
import { importsRoutes } from './imports/imports.routes';
import { interactionsRoutes } from './interactions/interactions.routes';
import { mandatesRoutes } from './mandates/mandates.routes';
import { notificationsRoutes } from './notifications/notifications.routes';
import { organisationsRoutes } from './organisations/organisations.routes';
import { peopleRoutes } from './people/people.routes';
import { pipelineRoutes, pipelineStagesRoutes } from './pipeline/pipeline.routes';
import { searchRoutes } from './search/search.routes';
import { systemRoutes } from './system/system.routes';
import { tasksRoutes } from './tasks/tasks.routes';
import { webhooksRoutes } from './webhooks/webhooks.routes';

export interface ModuleMount {
  /** URL prefix the module owns, e.g. `/api/v1/organisations`. */
  prefix: string;
  routes: AppRouter;
}

/** Every domain module, mounted in this order. New modules register here. */
export const MODULES: ModuleMount[] = [
  { prefix: '/', routes: healthRoutes },
  { prefix: '/api/v1/auth', routes: authRoutes },
  { prefix: '/api/v1/users', routes: usersRoutes },
  { prefix: '/api/v1/teams', routes: teamsRoutes },
  { prefix: '/api/v1/roles', routes: rolesRoutes },
  { prefix: '/api/v1/permissions', routes: permissionsRoutes },
  { prefix: '/api/v1/api-tokens', routes: apiTokensRoutes },
  { prefix: '/api/v1/audit-log', routes: auditRoutes },
  { prefix: '/api/v1/organisations', routes: organisationsRoutes },
  // Same prefix as organisations: Hono merges the two routers (GET /{id}/people lives in affiliations).
  { prefix: '/api/v1/organisations', routes: organisationPeopleRoutes },
  { prefix: '/api/v1/people', routes: peopleRoutes },
  { prefix: '/api/v1/people', routes: gdprRoutes },
  { prefix: '/api/v1/affiliations', routes: affiliationsRoutes },
  { prefix: '/api/v1/mandates', routes: mandatesRoutes },
  { prefix: '/api/v1/interactions', routes: interactionsRoutes },
  { prefix: '/api/v1/tasks', routes: tasksRoutes },
  { prefix: '/api/v1/pipeline-stages', routes: pipelineStagesRoutes },
  { prefix: '/api/v1/pipeline', routes: pipelineRoutes },
  { prefix: '/api/v1/imports', routes: importsRoutes },
  { prefix: '/api/v1/search', routes: searchRoutes },
  { prefix: '/api/v1/system', routes: systemRoutes },
  { prefix: '/api/v1/webhooks', routes: webhooksRoutes },
  { prefix: '/api/v1/admin/cache', routes: cacheAdminRoutes },
  { prefix: '/api/v1/notifications', routes: notificationsRoutes },
  { prefix: '/api/v1/exports', routes: exportsRoutes },
  { prefix: '/api/v1/email', routes: emailRoutes },
  { prefix: '/', routes: emailPublicRoutes },
];

/** `/api/v1` paths reachable without signing in. */
export const PUBLIC_API_PATHS = new Set(['/api/v1/auth/login']);
