import type { MessageKey } from './i18n';

/** A top-level area of the CRM, as shown in the main navigation. */
export interface Section {
  path: string;
  label: MessageKey;
  description: MessageKey;
}

export const SECTIONS: readonly Section[] = [
  { path: '/', label: 'nav.dashboard', description: 'nav.dashboard.description' },
  { path: '/organisations', label: 'nav.organisations', description: 'nav.organisations.description' },
  { path: '/personnes', label: 'nav.people', description: 'nav.people.description' },
  { path: '/mandats', label: 'nav.mandates', description: 'nav.mandates.description' },
  { path: '/taches', label: 'nav.tasks', description: 'nav.tasks.description' },
  { path: '/pipeline', label: 'nav.pipeline', description: 'nav.pipeline.description' },
];

/** The section whose area contains `pathname` (not the dashboard), if any. */
export function findSection(pathname: string): Section | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return SECTIONS.find((s) => s.path !== '/' && (path === s.path || path.startsWith(`${s.path}/`)));
}
