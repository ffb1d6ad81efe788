import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, inject, it, vi } from 'vitest';
import { createApp } from '../../worker/app';
import { createRouter } from '../../worker/lib/context';
import { AppError, ERROR_CODES, type ErrorCode } from '../../worker/lib/errors';
import { MODULES } from '../../worker/modules';
import { expectErrorLogs } from './setup';
import { callWorker, problemOf } from './support/helpers';

/** A module used only here, to drive each error class through the real middleware stack. */
const probe = createRouter();
probe.openapi(
  createRoute({
    method: 'post',
    path: '/things',
    request: {
      body: {
        content: {
          'application/json': {
            schema: z.object({ name: z.string().min(2), address: z.object({ city: z.string() }) }),
          },
        },
      },
    },
    responses: { 201: { description: 'created' } },
  }),
  (c) => c.json({ ok: true }, 201),
);
probe.get('/throw/:code', (c) => {
  throw new AppError(c.req.param('code') as ErrorCode, { headers: { 'Retry-After': '7' } });
});
probe.get('/crash', () => {
  throw new Error('probe exploded at line 42');
});

const app = createApp([...MODULES, { prefix: '/api/probe', routes: probe }]);

async function call(path: string, init: RequestInit = {}, overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://crm.test${path}`, init),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const json = (body: string): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body,
});

describe('one error path: RFC 9457 problem+json', () => {
  it('400 for malformed JSON, with a request id echoed in the log line', async () => {
    const logs = vi.spyOn(console, 'log');
    const response = await call('/api/probe/things', json('{"name": "x",'), { LOG_LEVEL: 'info' });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ status: 400, code: 'MALFORMED_JSON', instance: '/api/probe/things' });
    expect(problem.type).toMatch(/^https:\/\//);
    expect(response.headers.get('X-Request-Id')).toBe(problem.requestId);
    const lines = logs.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
    const line = lines.find((entry) => entry.msg === 'request' && entry.requestId === problem.requestId);
    expect(line).toMatchObject({ method: 'POST', path: '/api/probe/things', status: 400 });
    expect(typeof line?.durationMs).toBe('number');
  });

  it('422 with field paths for invalid input', async () => {
    const response = await call('/api/probe/things', json('{"name":"x","address":{}}'));
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors?.map((error) => error.path).sort()).toEqual(['address.city', 'name']);
  });

  it('413 for an oversized body, even without a Content-Length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2_000_000), address: { city: 'Paris' } });
    const response = await call('/api/probe/things', json(big));
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe('PAYLOAD_TOO_LARGE');

    const stream = new Blob([big]).stream();
    const streamed = await call('/api/probe/things', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      // @ts-expect-error -- `duplex` is required by fetch for streamed bodies but missing from the types.
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
  });

  it('415 for a body that is not JSON', async () => {
    const response = await call('/api/probe/things', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'name=x',
    });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('404 for an unknown /api route, through the real worker entry', async () => {
    const response = await callWorker('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    const problem = await problemOf(response);
    expect(problem.code).toBe('NOT_FOUND');
    expect(problem.requestId).toBe(response.headers.get('X-Request-Id'));
  });

  it('405 with Allow for a known path and a wrong method', async () => {
    const response = await call('/api/probe/things', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('POST');
    expect((await problemOf(response)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each(
    Object.entries(ERROR_CODES).filter(
      ([code]) => !['INTERNAL', 'SERVICE_UNAVAILABLE', 'MISCONFIGURED'].includes(code),
    ),
  )('%s renders as a %i problem', async (code, status) => {
    const response = await call(`/api/probe/throw/${code}`);
    expect(response.status).toBe(status);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code, status, instance: `/api/probe/throw/${code}` });
    expect(response.headers.get('Retry-After')).toBe('7');
  });

  it.each(['SERVICE_UNAVAILABLE', 'MISCONFIGURED'])(
    '%s renders as 503 and is logged as an error',
    async (code) => {
      const logs = expectErrorLogs();
      const response = await call(`/api/probe/throw/${code}`);
      expect(response.status).toBe(503);
      expect((await problemOf(response)).code).toBe(code);
      expect(logs.length).toBe(1);
    },
  );

  it('accepts a well-formed caller request id and replaces a malformed one', async () => {
    const kept = await callWorker('/api/v1/nope', { headers: { 'X-Request-Id': 'partner-req-12345678' } });
    expect((await problemOf(kept)).requestId).toBe('partner-req-12345678');
    const replaced = await callWorker('/api/v1/nope', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect((await problemOf(replaced)).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('500 with a generic detail, no stack, and a Sentry report without secrets', async () => {
    const logs = expectErrorLogs();
    const sink = inject('SENTRY_SINK_URL');
    await fetch(`${sink}/__envelopes`, { method: 'DELETE' });
    const response = await call(
      '/api/probe/crash?token=abc&page=2',
      { headers: { 'X-Api-Key': 'secret-token', Cookie: 'alforis_session=s3cret' } },
      { SENTRY_DSN: `${sink.replace('http://', 'http://publickey@')}/1` },
    );
    expect(response.status).toBe(500);
    const text = await response.clone().text();
    expect(text).not.toContain('probe exploded');
    expect(text).not.toContain('at ');
    const problem = await problemOf(response);
    expect(problem.code).toBe('INTERNAL');
    expect(problem.detail).toMatch(/unexpected/i);
    expect(logs.map((args) => String(args[0])).join('\n')).toContain(problem.requestId);

    const envelopes = (await (await fetch(`${sink}/__envelopes`)).json()) as unknown[][];
    expect(envelopes.length).toBe(1);
    const sent = JSON.stringify(envelopes);
    expect(sent).toContain('probe exploded'); // the exception itself is reported…
    expect(sent).toContain(problem.requestId);
    expect(sent).not.toContain('secret-token'); // …but never credentials, cookies or secret query params
    expect(sent).not.toContain('s3cret');
    expect(sent).not.toContain('token=abc');
  });
});

describe('operations endpoints', () => {
  it('/healthz answers without touching dependencies', async () => {
    const response = await callWorker('/healthz', {}, { DATABASE_URL: undefined });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('/readyz reports Postgres and Redis with latencies', async () => {
    const response = await callWorker('/readyz');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      postgres: string;
      redis: string;
      checks: { postgres: { latencyMs: number } };
    };
    expect(body.status).toBe('ready');
    expect(body.postgres).toBe('ok');
    expect(body.redis).toBe(inject('REDIS_AVAILABLE') ? 'ok' : 'disabled');
    expect(body.checks.postgres.latencyMs).toBeGreaterThan(0);
  });

  it.skipIf(!inject('REDIS_AVAILABLE'))('/readyz is 200 "degraded" when Redis is stopped', async () => {
    const response = await callWorker('/readyz', {}, { UPSTASH_REDIS_REST_URL: inject('UPSTASH_DOWN_URL') });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; redis: string; postgres: string };
    expect(body).toMatchObject({ status: 'ready', postgres: 'ok', redis: 'degraded' });
  });

  it('/readyz is 503 when Postgres is down', async () => {
    const response = await callWorker(
      '/readyz',
      {},
      { DATABASE_URL: 'postgres://postgres:x@127.0.0.1:1/none' },
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unavailable', postgres: 'down' });
  });

  it('serves the OpenAPI 3.1 document and Swagger UI', async () => {
    const doc = await callWorker('/api/openapi.json');
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/api/v1/system/info']),
    );
    expect(body.components.schemas.Problem).toBeDefined();
    const ui = await callWorker('/api/docs');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('/api/openapi.json');
  });

  it('sets secure headers', async () => {
    const response = await callWorker('/healthz');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
  });
});
