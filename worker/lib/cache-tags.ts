import { type Actor, recordScope } from '../modules/identity/actor';
import type { Cache } from './cache';

/**
 * The cache's tag scheme for CRM records (docs/decisions/013-response-cache.md):
 * - `rec:<type>:<id>`: one record (detail reads);
 * - `list:<type>:all` | `list:<type>:team:<id>` | `list:<type>:user:<id>`:
 *   the lists of one type in one visibility scope, the same partition as
 *   `scopeCondition` (identity/scope.ts);
 * - `cfg:pipeline`: the pipeline stages (labels and order on boards).
 * A change bumps the record tag and the list tags of every scope that can see
 * the record before or after it (owner, team, all).
 */

export type CachedEntity = 'organisation' | 'person' | 'mandate' | 'interaction' | 'task';

/** Changes of one entity type also change lists of these (filters across entities). */
const ALSO_CHANGES: Record<string, CachedEntity[]> = {
  affiliation: ['person', 'organisation'],
};

/** TTLs in seconds: the bound on staleness if an invalidation is lost (Redis down during a write). */
export const CACHE_TTL = {
  detail: 300,
  list: 120,
  dashboard: 60,
  autocomplete: 60,
} as const;

export function recordTag(type: string, id: string): string {
  return `rec:${type}:${id}`;
}

export function listTag(type: string, scope: string): string {
  return `list:${type}:${scope}`;
}

export const PIPELINE_TAG = 'cfg:pipeline';
/** Every entry depends on it: flushing it empties the whole cache (for the admin page). */
export const ALL_TAG = 'all';

/** Every list and record entry of one type depends on it (flush "all organisations"). */
export function typeTag(type: string): string {
  return `type:${type}`;
}

/** The visibility partition of a caller, as `scopeCondition` applies it. */
export function visibilityOf(actor: Actor): string {
  switch (recordScope(actor)) {
    case 'all':
      return 'all';
    case 'team':
      return actor.teamId ? `team:${actor.teamId}` : `user:${actor.userId}`;
    case 'own':
      return `user:${actor.userId}`;
  }
}

/**
 * The readable scope part of a key: role (permissions can differ per role even
 * where visibility is the same) and visibility partition.
 */
export function cacheScopeOf(actor: Actor): string {
  return `${actor.roleId}.${permissionsDigest(actor)}.${visibilityOf(actor).replace(':', '.')}`;
}

const permissionDigests = new WeakMap<ReadonlySet<string>, string>();

/** Roles' grants are editable: a changed grant set gives new keys at once. */
function permissionsDigest(actor: Actor): string {
  let digest = permissionDigests.get(actor.permissions);
  if (!digest) {
    const text = [...actor.permissions].sort().join(',');
    let hash = 0x811c9dc5;
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
    digest = (hash >>> 0).toString(36);
    permissionDigests.set(actor.permissions, digest);
  }
  return digest;
}

/** Tags a list read of `type` depends on for this caller. */
export function listTagsFor(actor: Actor, ...types: CachedEntity[]): string[] {
  const scope = visibilityOf(actor);
  return types.map((type) => listTag(type, scope));
}

/**
 * Query values that mean "the caller" (`assigneeId=me`) are replaced by the
 * caller's id: a key never depends on who asks except through this and the scope.
 */
export function normaliseQuery(actor: Actor, query: object): Record<string, unknown> {
  const normalised: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (value === 'me') normalised[name] = `me:${actor.userId}`;
    else if (Array.isArray(value)) normalised[name] = [...value].map(String).sort();
    else normalised[name] = value;
  }
  return normalised;
}

interface ChangeLike {
  entityType: string;
  entityId: string;
  ownerId: string | null;
  teamId: string | null;
  changes?: Record<string, { before: unknown; after: unknown }> | null;
}

/** Every tag a change to one record invalidates, before and after reassignment. */
export function tagsForChange(change: ChangeLike): string[] {
  const owners = new Set<string>();
  const teamIds = new Set<string>();
  if (change.ownerId) owners.add(change.ownerId);
  if (change.teamId) teamIds.add(change.teamId);
  for (const [field, target] of [
    ['ownerId', owners],
    ['teamId', teamIds],
  ] as const) {
    const diff = change.changes?.[field];
    for (const value of [diff?.before, diff?.after]) if (typeof value === 'string') target.add(value);
  }
  const types = [change.entityType, ...(ALSO_CHANGES[change.entityType] ?? [])];
  const tags = [recordTag(change.entityType, change.entityId)];
  for (const type of types) {
    tags.push(listTag(type, 'all'));
    for (const owner of owners) tags.push(listTag(type, `user:${owner}`));
    for (const team of teamIds) tags.push(listTag(type, `team:${team}`));
  }
  return tags;
}

/** Cache-aside for one record read: keyed by caller scope, tagged by the record. */
export function cachedRecord<T>(
  cache: Cache,
  actor: Actor,
  spec: { type: CachedEntity; id: string; load: () => Promise<T>; variant?: unknown },
): Promise<T> {
  return cache.cached({
    prefix: `${spec.type}:get`,
    scope: cacheScopeOf(actor),
    parts: { id: spec.id, variant: spec.variant ?? null },
    tags: [ALL_TAG, typeTag(spec.type), recordTag(spec.type, spec.id)],
    ttlSeconds: CACHE_TTL.detail,
    load: spec.load,
  });
}

/** Cache-aside for one list page: keyed by caller scope and normalised query, tagged by list scope. */
export function cachedList<T>(
  cache: Cache,
  actor: Actor,
  spec: { type: CachedEntity; query: object; load: () => Promise<T> },
): Promise<T> {
  return cache.cached({
    prefix: `${spec.type}:list`,
    scope: cacheScopeOf(actor),
    parts: normaliseQuery(actor, spec.query),
    tags: [ALL_TAG, typeTag(spec.type), ...listTagsFor(actor, spec.type)],
    ttlSeconds: CACHE_TTL.list,
    load: spec.load,
  });
}

/** Cache-aside for an aggregate (dashboard figures, boards): tagged by the lists it counts. */
export function cachedFigure<T>(
  cache: Cache,
  actor: Actor,
  spec: {
    name: string;
    types: CachedEntity[];
    parts?: object;
    extraTags?: string[];
    load: () => Promise<T>;
  },
): Promise<T> {
  return cache.cached({
    prefix: `dash:${spec.name}`,
    scope: cacheScopeOf(actor),
    parts: normaliseQuery(actor, spec.parts ?? {}),
    tags: [ALL_TAG, ...listTagsFor(actor, ...spec.types), ...(spec.extraTags ?? [])],
    ttlSeconds: CACHE_TTL.dashboard,
    load: spec.load,
  });
}

/** Cache-aside for search suggestions: per scope, query and locale, tagged by the searched lists. */
export function cachedAutocomplete<T>(
  cache: Cache,
  actor: Actor,
  spec: { query: object; load: () => Promise<T> },
): Promise<T> {
  return cache.cached({
    prefix: 'search:autocomplete',
    scope: cacheScopeOf(actor),
    parts: { ...normaliseQuery(actor, spec.query), locale: actor.locale },
    tags: [ALL_TAG, ...listTagsFor(actor, 'organisation', 'person', 'mandate')],
    ttlSeconds: CACHE_TTL.autocomplete,
    load: spec.load,
  });
}
