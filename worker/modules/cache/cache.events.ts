import { createCache } from '../../lib/cache';
import { type CachedEntity, tagsForChange, typeTag } from '../../lib/cache-tags';
import { readConfig } from '../../lib/config';
import type { ConsumerDeps } from '../../queues/consumer';
import type { DomainEventMessage } from '../../queues/messages';

const CACHED_TYPES = new Set<string>([
  'organisation',
  'person',
  'mandate',
  'interaction',
  'task',
  'affiliation',
]);

/** Tags a domain event invalidates; reassignments lose the old owner, so they flush the whole type. */
export function tagsForEvent(event: DomainEventMessage): string[] {
  if (!CACHED_TYPES.has(event.entityType)) return [];
  const tags = tagsForChange(event);
  if (event.type.endsWith('.assigned')) tags.push(typeTag(event.entityType));
  if (event.entityType === 'affiliation') {
    for (const type of ['person', 'organisation'] satisfies CachedEntity[]) tags.push(typeTag(type));
  }
  return tags;
}

/**
 * Invalidates cached reads for writes made outside a request (imports, queue
 * work). Idempotent on the event id: the first delivery claims it, and events
 * the write path already applied carry its marker, so they are skipped. With
 * Redis down the event is not retried: the entries' TTL bounds the staleness.
 */
export const cacheInvalidationSubscriber = {
  name: 'cache-invalidation',
  async handle(event: DomainEventMessage, deps: ConsumerDeps): Promise<void> {
    const tags = tagsForEvent(event);
    if (tags.length === 0) return;
    const cache = createCache(readConfig(deps.env), deps.log);
    if (!cache.enabled) return;
    const claimed = await cache.attempt('claim', () => cache.claimEvent(event.id));
    if (!claimed) return;
    if (!(await cache.invalidate(tags))) await cache.delete(cache.eventMarker(event.id));
  },
};
