/**
 * The permission catalogue and the default grants: the single source for the
 * database defaults (installed by `npm run db:migrate`) and docs/permissions.md.
 */

export const RESOURCES = [
  'organisations',
  'people',
  'mandates',
  'interactions',
  'tasks',
  'exports',
  'reports',
  'users',
  'teams',
  'roles',
  'settings',
  'emails',
] as const;

export const ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'import', 'manage'] as const;

export type Resource = (typeof RESOURCES)[number];
export type Action = (typeof ACTIONS)[number];
export type Permission = `${Resource}:${Action}`;

export const ROLE_IDS = ['viewer', 'user', 'manager', 'admin'] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export interface RoleDefinition {
  id: RoleId;
  name: string;
  level: number;
  description: string;
  /** Which records the role sees: its own, its team's, or all. */
  scope: 'own' | 'team' | 'all';
}

export const ROLES: Record<RoleId, RoleDefinition> = {
  admin: {
    id: 'admin',
    name: 'Admin',
    level: 3,
    scope: 'all',
    description: 'Everything, including users, roles and settings',
  },
  manager: {
    id: 'manager',
    name: 'Manager',
    level: 2,
    scope: 'team',
    description: "Runs a team: sees and edits the team's records",
  },
  user: {
    id: 'user',
    name: 'User',
    level: 1,
    scope: 'own',
    description: 'Sales person: works on their own records',
  },
  viewer: {
    id: 'viewer',
    name: 'Viewer',
    level: 0,
    scope: 'team',
    description: "Read-only access to the team's records",
  },
};

export const RESOURCE_DESCRIPTIONS: Record<Resource, string> = {
  organisations: 'Investors, distributors, suppliers and partners',
  people: 'Contacts and their affiliations',
  mandates: 'Mandates and their lifecycle',
  interactions: 'Calls, meetings, emails, notes and events',
  tasks: 'Tasks and reminders',
  exports: 'Export files (CSV, Excel, PDF) and export jobs',
  reports: 'Dashboards and reports',
  users: 'User accounts',
  teams: 'Teams and their managers',
  roles: 'Roles and their permissions',
  settings: 'Product settings, webhooks, email and cache administration',
  emails: 'Email templates, audiences, campaigns (manage = send), drip sequences and analytics',
};

export const ACTION_DESCRIPTIONS: Record<Action, string> = {
  read: 'list and view',
  create: 'create',
  update: 'edit',
  delete: 'delete and restore',
  export: 'export to files',
  import: 'import from files',
  manage: 'administer (reassign, configure, bulk operations)',
};

const CRM: Resource[] = ['organisations', 'people', 'mandates', 'interactions', 'tasks'];

function grant(resources: readonly Resource[], actions: readonly Action[]): Permission[] {
  return resources.flatMap((resource) => actions.map((action) => `${resource}:${action}` as Permission));
}

export const ALL_PERMISSIONS: Permission[] = grant(RESOURCES, ACTIONS);

export const DEFAULT_GRANTS: Record<RoleId, Permission[]> = {
  admin: ALL_PERMISSIONS,
  manager: [
    ...grant(CRM, ['read', 'create', 'update', 'delete', 'export', 'import', 'manage']),
    ...grant(['exports'], ['read', 'create', 'export']),
    ...grant(['reports'], ['read', 'export']),
    ...grant(['users', 'teams', 'roles', 'settings'], ['read']),
    ...grant(['emails'], ['read', 'create', 'update', 'delete', 'export', 'import', 'manage']),
  ],
  user: [
    ...grant(CRM, ['read', 'create', 'update', 'export']),
    ...grant(['interactions', 'tasks'], ['delete']),
    ...grant(['exports'], ['read', 'create', 'export']),
    ...grant(['reports'], ['read']),
    ...grant(['users', 'teams'], ['read']),
    ...grant(['emails'], ['read', 'create', 'update', 'import']),
  ],
  viewer: [
    ...grant(CRM, ['read']),
    ...grant(['reports'], ['read']),
    ...grant(['users', 'teams'], ['read']),
    ...grant(['emails'], ['read']),
  ],
};

export function isPermission(value: string): value is Permission {
  const [resource, action, extra] = value.split(':');
  return (
    extra === undefined &&
    (RESOURCES as readonly string[]).includes(resource ?? '') &&
    (ACTIONS as readonly string[]).includes(action ?? '')
  );
}

export function isRoleId(value: string): value is RoleId {
  return (ROLE_IDS as readonly string[]).includes(value);
}
