import type { AppRouter } from '../lib/context';
import { healthRoutes } from './health/health.routes';
import { systemRoutes } from './system/system.routes';

export interface ModuleMount {
  /** URL prefix the module owns, e.g. `/api/v1/organisations`. */
  prefix: string;
  routes: AppRouter;
}

/** Every domain module, mounted in this order. New modules register here. */
export const MODULES: ModuleMount[] = [
  { prefix: '/', routes: healthRoutes },
  { prefix: '/api/v1/system', routes: systemRoutes },
];
