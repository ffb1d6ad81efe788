import { AsyncLocalStorage } from 'node:async_hooks';
import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from './config';
import type { Logger } from './logger';

/** Upstash is one HTTP round trip away; past this the cache is treated as down for the call. */
const CACHE_TIMEOUT_MS = 250;
/** Entries larger than this are not stored (Upstash bills and limits by request size). */
export const ENTRY_MAX_BYTES = 256 * 1024;
/** How long the loader that won the lock may take before another request tries. */
const LOCK_MS = 3_000;
/** How long a request that lost the lock waits for the winner's value before loading itself. */
const WAIT_BUDGET_MS = 1_500;
const POLL_MS = 25;
const POLL_MAX_MS = 200;
/** Consecutive failures that open the breaker, and how long it stays open. */
const BREAKER_THRESHOLD = 3;
export const BREAKER_OPEN_MS = 5_000;
/** At most one degradation log line per isolate and endpoint in this interval. */
const DEGRADED_LOG_INTERVAL_MS = 10_000;
/** Version keys outlive every entry by far; a lost version only costs a miss (see readVersions). */
const VERSION_TTL_SECONDS = 86_400;
/** Markers of domain events already applied by the write path (subscriber skips them). */
const EVENT_MARKER_TTL_SECONDS = 3_600;

export interface CacheStats {
  hits: number;
  misses: number;
  errors: number;
}

/** Counters per key prefix, kept in one Redis hash (`<ns>:stats`, fields `<prefix>|<counter>`). */
export const STAT_COUNTERS = ['hits', 'misses', 'errors', 'loads', 'loadMs', 'waits', 'skipped'] as const;
export type StatCounter = (typeof STAT_COUNTERS)[number];
export type PrefixStats = Record<StatCounter, number>;

export interface CachedSpec<T> {
  /** Key family, e.g. `org:list`: statistics are kept per prefix. */
  prefix: string;
  /**
   * Everything the response depends on (scope, normalised query, locale…).
   * Hashed; keep the scope readable in `scope` so keys of different scopes
   * can never collide.
   */
  scope: string;
  parts: unknown;
  /** Tags whose version is part of the entry's validity (see `invalidate`). */
  tags: readonly string[];
  ttlSeconds: number;
  load: () => Promise<T>;
}

interface StoredEntry<T> {
  /** Tag versions the value was loaded under. */
  v: string[];
  d: T;
}

// ------------------------------------------------------------------ breaker

interface BreakerState {
  failures: number;
  openUntil: number;
  /** Calls failed or skipped since the last log line. */
  failed: number;
  skipped: number;
  lastLogAt: number;
  lastError: string;
}

/**
 * Isolate-level state: a breaker per Redis endpoint, so every request of the
 * isolate stops paying the timeout once Redis is known to be down.
 */
const breakers = new Map<string, BreakerState>();

function breakerFor(endpoint: string): BreakerState {
  let state = breakers.get(endpoint);
  if (!state) {
    state = { failures: 0, openUntil: 0, failed: 0, skipped: 0, lastLogAt: 0, lastError: '' };
    breakers.set(endpoint, state);
  }
  return state;
}

/** For tests and the admin page: is the breaker open for this endpoint right now? */
export function breakerOpen(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  return (breakers.get(endpoint)?.openUntil ?? 0) > Date.now();
}

class CacheUnavailable extends Error {
  override name = 'CacheUnavailable';
}

// ------------------------------------------------------------------ journal

/**
 * The request's cache, reachable from code that only has a transaction
 * (`recordChange`), so writes can note what they change; the tags are bumped
 * after the service returns, i.e. after commit (see `noteChangedTags`).
 */
// One instance per isolate, shared through a global symbol: the Remix server build bundles
// its own copy of this module, and its writes must reach the store the worker opened.
const REQUEST_CACHE = Symbol.for('alforis.requestCache');
const cacheGlobals = globalThis as typeof globalThis & { [REQUEST_CACHE]?: AsyncLocalStorage<Cache> };
cacheGlobals[REQUEST_CACHE] ??= new AsyncLocalStorage<Cache>();
const requestCache: AsyncLocalStorage<Cache> = cacheGlobals[REQUEST_CACHE];

export function runWithCache<T>(cache: Cache, fn: () => Promise<T>): Promise<T> {
  return requestCache.run(cache, fn);
}

/**
 * Called inside a write transaction: remembers the tags and event ids to
 * invalidate once the request's writes are committed. Outside a request (queue
 * consumers) it does nothing: the domain-event subscriber invalidates instead.
 */
export function noteChangedTags(tags: readonly string[], eventIds: readonly string[] = []): void {
  requestCache.getStore()?.note(tags, eventIds);
}

// ------------------------------------------------------------------ cache

export interface CacheOptions {
  /** Prefix of every key: one Redis can serve several databases (tests, staging). */
  namespace?: string;
  /** Runs work after the response (`ctx.waitUntil`); without it the work is awaited. */
  defer?: (work: Promise<unknown>) => void;
  /** Identifies the endpoint for the breaker (defaults to a shared one). */
  endpoint?: string;
}

/**
 * The Redis client plus failure semantics: a Redis failure is a cache miss
 * (counted, logged once per interval), never an error for the caller. `redis`
 * is exposed for work that must know about failures (health checks, rate limits).
 */
export class Cache {
  readonly stats: CacheStats = { hits: 0, misses: 0, errors: 0 };
  readonly namespace: string;
  private readonly byPrefix = new Map<string, PrefixStats>();
  private readonly pendingTags = new Set<string>();
  private readonly pendingEvents = new Set<string>();
  private readonly defer: (work: Promise<unknown>) => void;
  private readonly breaker: BreakerState;

  constructor(
    readonly redis: Redis | null,
    private readonly log: Logger,
    options: CacheOptions = {},
  ) {
    this.namespace = options.namespace ?? 'crm';
    this.defer =
      options.defer ??
      ((work) => {
        void work;
      });
    this.breaker = breakerFor(options.endpoint ?? 'default');
  }

  get enabled(): boolean {
    return this.redis !== null;
  }

  /** True while the breaker skips Redis after repeated failures. */
  get degraded(): boolean {
    return this.breaker.openUntil > Date.now();
  }

  private key(...parts: string[]): string {
    return [this.namespace, ...parts].join(':');
  }

  /**
   * Every Redis call goes through here: skipped while the breaker is open,
   * bounded by the client's per-command timeout, failures counted towards the
   * breaker. Throws `CacheUnavailable`; callers turn that into a miss.
   */
  private async call<R>(op: string, run: (redis: Redis) => Promise<R>): Promise<R> {
    const redis = this.redis;
    if (!redis) throw new CacheUnavailable('cache disabled');
    const breaker = this.breaker;
    const now = Date.now();
    if (breaker.openUntil > now) {
      breaker.skipped++;
      this.logDegraded();
      throw new CacheUnavailable('circuit open');
    }
    try {
      const result = await run(redis);
      if (breaker.failures > 0 || breaker.openUntil > 0) {
        if (breaker.openUntil > 0) this.log.info('cache.recovered', { op });
        breaker.failures = 0;
        breaker.openUntil = 0;
      }
      return result;
    } catch (error) {
      this.stats.errors++;
      breaker.failures++;
      breaker.failed++;
      breaker.lastError = `${op}: ${describe(error)}`;
      if (breaker.failures >= BREAKER_THRESHOLD) breaker.openUntil = Date.now() + BREAKER_OPEN_MS;
      this.logDegraded();
      throw new CacheUnavailable(describe(error));
    }
  }

  /**
   * Runs a Redis operation under the breaker and the time budget for callers
   * outside the cache (rate limits): `undefined` when Redis is unavailable.
   */
  async attempt<R>(op: string, run: (redis: Redis) => Promise<R>): Promise<R | undefined> {
    try {
      return await this.call(op, run);
    } catch {
      return undefined;
    }
  }

  /** One line per interval and isolate, however many requests fail meanwhile. */
  private logDegraded() {
    const breaker = this.breaker;
    const now = Date.now();
    if (now - breaker.lastLogAt < DEGRADED_LOG_INTERVAL_MS) return;
    breaker.lastLogAt = now;
    this.log.warn('cache.degraded', {
      failed: breaker.failed,
      skipped: breaker.skipped,
      breakerOpen: breaker.openUntil > now,
      lastError: breaker.lastError,
    });
    breaker.failed = 0;
    breaker.skipped = 0;
  }

  private count(prefix: string, counter: StatCounter, by = 1) {
    let stats = this.byPrefix.get(prefix);
    if (!stats) {
      stats = { hits: 0, misses: 0, errors: 0, loads: 0, loadMs: 0, waits: 0, skipped: 0 };
      this.byPrefix.set(prefix, stats);
    }
    stats[counter] += by;
  }

  async get<T>(key: string): Promise<T | null> {
    try {
      const value = await this.call('get', (redis) => redis.get<T>(key));
      if (value === null) this.stats.misses++;
      else this.stats.hits++;
      return value;
    } catch {
      return null;
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    try {
      await this.call('set', (redis) => redis.set(key, value, { ex: ttlSeconds }));
      return true;
    } catch {
      return false;
    }
  }

  async delete(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    try {
      return await this.call('del', (redis) => redis.del(...keys));
    } catch {
      return 0;
    }
  }

  /** Round-trip latency in ms, or throws: for readiness checks, which must see the failure. */
  async ping(): Promise<number> {
    if (!this.redis) throw new Error('cache disabled: UPSTASH_REDIS_REST_URL is not set');
    const started = performance.now();
    const answer = await this.redis.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${String(answer)}`);
    return performance.now() - started;
  }

  /**
   * Cache-aside with tag versions and a load lock. A hit costs one round trip
   * (MGET of the entry and its tag versions); a miss loads once per key across
   * concurrent requests (SET NX lock; the others poll briefly for the value).
   * Any Redis failure degrades to calling `load` directly.
   */
  async cached<T>(spec: CachedSpec<T>): Promise<T> {
    const { prefix } = spec;
    if (!this.redis) return spec.load();
    if (this.degraded) {
      this.count(prefix, 'skipped');
      this.breaker.skipped++;
      this.logDegraded();
      return this.timedLoad(spec);
    }
    await this.flushChanges();
    const key = this.key('c', prefix, spec.scope, await digest(spec.parts));
    const versionKeys = spec.tags.map((tag) => this.key('v', tag));
    let versions: string[] | undefined;
    try {
      const first = await this.read<T>(key, versionKeys);
      if (first.value !== undefined) {
        this.stats.hits++;
        this.count(prefix, 'hits');
        return first.value;
      }
      if (first.versions) versions = first.versions;
    } catch {
      this.count(prefix, 'errors');
      return this.timedLoad(spec);
    }
    this.stats.misses++;
    this.count(prefix, 'misses');

    const lockKey = `${key}:lock`;
    let locked = false;
    try {
      // One round trip: create missing tag versions, read them back, take the load lock.
      const claim = await this.claimLoad(lockKey, versions ? [] : versionKeys);
      locked = claim.locked;
      versions ??= claim.versions;
    } catch {
      return this.timedLoad(spec);
    }
    if (!locked) {
      const waited = await this.waitForValue<T>(key, versionKeys);
      if (waited !== undefined) {
        this.count(prefix, 'waits');
        return waited;
      }
    }
    let value: T;
    try {
      value = await this.timedLoad(spec);
    } catch (error) {
      // Errors (404, 403…) are never cached; free the lock so others need not wait it out.
      if (locked) this.defer(this.call('unlock', (redis) => redis.del(lockKey)).catch(() => undefined));
      throw error;
    }
    this.store(key, versions, value, spec.ttlSeconds, locked ? lockKey : null, prefix);
    return value;
  }

  private async timedLoad<T>(spec: CachedSpec<T>): Promise<T> {
    const started = performance.now();
    const value = await spec.load();
    this.count(spec.prefix, 'loads');
    this.count(spec.prefix, 'loadMs', Math.round(performance.now() - started));
    return value;
  }

  /**
   * The entry if it is valid under the current tag versions. `versions` is
   * null when a version key is missing (never set, or expired): then no entry
   * can be trusted and fresh versions are created.
   */
  private async read<T>(
    key: string,
    versionKeys: string[],
  ): Promise<{ value?: T; versions: string[] | null }> {
    const [entry, ...raw] = await this.call('mget', (redis) =>
      redis.mget<[StoredEntry<T> | null, ...(string | number | null)[]]>(key, ...versionKeys),
    );
    if (raw.some((version) => version === null || version === undefined)) return { versions: null };
    const versions = raw.map(String);
    if (entry && Array.isArray(entry.v) && entry.v.length === versions.length) {
      if (entry.v.every((version, index) => version === versions[index])) return { value: entry.d, versions };
    }
    return { versions };
  }

  private async claimLoad(
    lockKey: string,
    missingVersionKeys: string[],
  ): Promise<{ locked: boolean; versions: string[] }> {
    const pipeline = this.redis?.pipeline();
    if (!pipeline) throw new CacheUnavailable('cache disabled');
    for (const versionKey of missingVersionKeys) {
      pipeline.set(versionKey, newVersion(), { nx: true, ex: VERSION_TTL_SECONDS });
      pipeline.get(versionKey);
    }
    pipeline.set(lockKey, '1', { nx: true, px: LOCK_MS });
    const results = await this.call('lock', () => pipeline.exec());
    return {
      versions: missingVersionKeys.map((_, index) => String(results[index * 2 + 1])),
      locked: results[results.length - 1] === 'OK',
    };
  }

  private async waitForValue<T>(key: string, versionKeys: string[]): Promise<T | undefined> {
    const deadline = Date.now() + WAIT_BUDGET_MS;
    let pause = POLL_MS;
    while (Date.now() < deadline) {
      // Backoff with jitter: many waiters must not flood Redis while one loads.
      await sleep(pause * (0.75 + Math.random() / 2));
      pause = Math.min(pause * 1.5, POLL_MAX_MS);
      try {
        const again = await this.read<T>(key, versionKeys);
        if (again.value !== undefined) return again.value;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private store(
    key: string,
    versions: string[],
    value: unknown,
    ttlSeconds: number,
    lockKey: string | null,
    prefix: string,
  ) {
    const body = JSON.stringify({ v: versions, d: value } satisfies StoredEntry<unknown>);
    const pipeline = this.redis?.pipeline();
    if (!pipeline) return;
    if (body.length <= ENTRY_MAX_BYTES) pipeline.set(key, body, { ex: ttlSeconds });
    else this.log.debug('cache.oversize', { prefix, bytes: body.length });
    if (lockKey) pipeline.del(lockKey);
    if (pipeline.length() === 0) return;
    this.defer(this.call('store', () => pipeline.exec()).catch(() => undefined));
  }

  /** Remembers tags to bump after the current writes commit (see `noteChangedTags`). */
  note(tags: readonly string[], eventIds: readonly string[] = []) {
    for (const tag of tags) this.pendingTags.add(tag);
    for (const id of eventIds) this.pendingEvents.add(id);
  }

  /** Bumps the noted tags now; called before any cached read and at the end of the request. */
  async flushChanges(): Promise<void> {
    if (this.pendingTags.size === 0) return;
    const tags = [...this.pendingTags];
    const events = [...this.pendingEvents];
    this.pendingTags.clear();
    this.pendingEvents.clear();
    await this.invalidate(tags, events);
  }

  /**
   * Gives each tag a new version: every entry loaded under the old one stops
   * being valid, with no KEYS/SCAN. `appliedEvents` marks domain events whose
   * invalidation is done, so the subscriber skips them.
   */
  async invalidate(tags: readonly string[], appliedEvents: readonly string[] = []): Promise<boolean> {
    if (tags.length === 0) return true;
    const pipeline = this.redis?.pipeline();
    if (!pipeline) return false;
    for (const tag of new Set(tags)) {
      pipeline.set(this.key('v', tag), newVersion(), { ex: VERSION_TTL_SECONDS });
    }
    for (const id of appliedEvents) {
      pipeline.set(this.eventMarker(id), '1', { ex: EVENT_MARKER_TTL_SECONDS });
    }
    try {
      await this.call('invalidate', () => pipeline.exec());
      return true;
    } catch {
      return false;
    }
  }

  /**
   * For the domain-event subscriber: true the first time an event id is seen
   * (and not already applied by the write path), so redeliveries do nothing.
   */
  async claimEvent(eventId: string): Promise<boolean> {
    const claimed = await this.call('claim', (redis) =>
      redis.set(this.eventMarker(eventId), '1', { nx: true, ex: EVENT_MARKER_TTL_SECONDS }),
    );
    return claimed === 'OK';
  }

  eventMarker(eventId: string): string {
    return this.key('ev', eventId);
  }

  /** Adds this request's per-prefix counters to the shared hash (one pipeline, after the response). */
  flushStats(): void {
    if (this.byPrefix.size === 0 || !this.redis || this.degraded) return;
    const pipeline = this.redis.pipeline();
    const statsKey = this.key('stats');
    for (const [prefix, stats] of this.byPrefix) {
      for (const counter of STAT_COUNTERS) {
        if (stats[counter] > 0) pipeline.hincrby(statsKey, `${prefix}|${counter}`, stats[counter]);
      }
    }
    this.byPrefix.clear();
    this.defer(this.call('stats', () => pipeline.exec()).catch(() => undefined));
  }

  /** Counters per prefix since the last reset. */
  async readStats(): Promise<Record<string, PrefixStats>> {
    const raw = await this.call('stats', (redis) =>
      redis.hgetall<Record<string, number | string>>(this.key('stats')),
    );
    const result: Record<string, PrefixStats> = {};
    for (const [field, value] of Object.entries(raw ?? {})) {
      const separator = field.lastIndexOf('|');
      const prefix = field.slice(0, separator);
      const counter = field.slice(separator + 1) as StatCounter;
      if (!STAT_COUNTERS.includes(counter)) continue;
      result[prefix] ??= { hits: 0, misses: 0, errors: 0, loads: 0, loadMs: 0, waits: 0, skipped: 0 };
      result[prefix][counter] = Number(value);
    }
    return result;
  }

  async resetStats(): Promise<void> {
    await this.call('stats', (redis) => redis.del(this.key('stats')));
  }
}

function newVersion(): string {
  // A letter first: Upstash's client would turn an all-digit string into a number.
  return `v${crypto.getRandomValues(new Uint32Array(2)).join('.')}`;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stable JSON (sorted keys, no undefined) → 128-bit hex digest: bounded key length. */
async function digest(parts: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(stableJson(parts));
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function createRedis(config: Config, timeoutMs = CACHE_TIMEOUT_MS): Redis | null {
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return null;
  return new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    // A fresh signal per command: the timeout bounds each round trip, not the client's life.
    signal: () => AbortSignal.timeout(timeoutMs),
    retry: { retries: 0 },
    enableTelemetry: false,
    latencyLogging: false,
  });
}

/**
 * Keys are namespaced by database (host + name, never the password) unless
 * `CACHE_NAMESPACE` says otherwise: one Redis may serve several databases.
 */
export function cacheNamespace(config: Config): string {
  if (config.CACHE_NAMESPACE) return config.CACHE_NAMESPACE;
  if (!config.DATABASE_URL) return 'crm';
  try {
    const url = new URL(config.DATABASE_URL);
    return `crm.${fnv1a(`${url.hostname}:${url.port}${url.pathname}`)}`;
  } catch {
    return 'crm';
  }
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export function createCache(config: Config, log: Logger, defer?: (work: Promise<unknown>) => void): Cache {
  return new Cache(createRedis(config), log, {
    namespace: cacheNamespace(config),
    defer,
    endpoint: config.UPSTASH_REDIS_REST_URL,
  });
}
