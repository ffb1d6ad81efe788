import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { expect, inject } from 'vitest';
import { createDbHandle, type DbHandle } from '../../../worker/db/client';
import worker from '../../../worker/index';
import { createLogger } from '../../../worker/lib/logger';

export const BASE_URL = 'http://crm.test';

/**
 * Calls the real worker entry inside workerd, optionally with other bindings
 * (a per-file database, a Redis that is down), and waits for its `waitUntil` work.
 */
export async function callWorker(
  path: string,
  init: RequestInit = {},
  overrides: Partial<Env> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE_URL}${path}`, init) as Parameters<typeof worker.fetch>[0],
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

export function testDbHandle(databaseUrl: string = env.DATABASE_URL ?? ''): DbHandle {
  return createDbHandle({ databaseUrl, wsProxy: env.NEON_WS_PROXY, log: createLogger('warn') });
}

/**
 * A fresh database cloned from the migrated template (≈100 ms): each test
 * file that writes gets its own, so files never see each other's rows.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${crypto.randomUUID().replaceAll('-', '')}`;
  const adminUrl = inject('ADMIN_DATABASE_URL');
  const admin = testDbHandle(adminUrl);
  try {
    await admin.pool.query(`create database ${name} template ${inject('TEMPLATE_DATABASE')}`);
  } finally {
    await admin.close();
  }
  return {
    url: adminUrl.replace(/\/postgres(\?|$)/, `/${name}$1`),
    async drop() {
      const handle = testDbHandle(adminUrl);
      try {
        await handle.pool.query(`drop database if exists ${name} with (force)`);
      } finally {
        await handle.close();
      }
    },
  };
}

export async function problemOf(response: Response) {
  expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  return (await response.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    instance: string;
    code: string;
    requestId: string;
    errors?: { path: string; message: string; code: string }[];
  };
}
