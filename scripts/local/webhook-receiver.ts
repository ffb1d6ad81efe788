// A partner's webhook endpoint, locally: receives the deliveries of the worker,
// verifies them with the official `standardwebhooks` library (v1) and with
// WebCrypto (v1a, Ed25519), and shows them. `npm start` runs one (open its URL
// to see what arrived); the worker tests and the bench drive it through
// `/_control/*` (script answers, register secrets, read what was captured).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from './ports';

// vitest's global setup runs in Vite's module runner: load the CommonJS library the Node way.
const require = createRequire(import.meta.url);
const { Webhook } = require('standardwebhooks') as typeof import('standardwebhooks');

export interface CapturedDelivery {
  path: string;
  receivedAt: string;
  headers: Record<string, string>;
  body: string;
  /** Answer given. */
  status: number;
  /** v1 verified with `standardwebhooks` against a registered secret (null: no secret known). */
  hmacVerified: boolean | null;
  /** Which registered secrets verified (indexes into the path's secrets). */
  verifiedWith: number[];
  /** v1a verified with the registered public key (null: none registered or no v1a sent). */
  ed25519Verified: boolean | null;
  verifyError: string | null;
}

interface ScriptedAnswer {
  status: number;
  retryAfter?: string;
  location?: string;
  /** How many requests get this answer (default 1). */
  times?: number;
  /** Delay before answering, ms. */
  delayMs?: number;
}

export interface PathKeys {
  secrets: string[];
  publicKey?: string | null;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  captured: CapturedDelivery[];
  stop(): Promise<void>;
}

export interface ReceiverOptions {
  port?: number;
  /** Keys for a path not registered through /_control/keys (npm start reads them from the database). */
  keysFor?: (url: string) => Promise<PathKeys | null>;
  /** Most deliveries kept in memory. */
  keep?: number;
  /** Answers `/dns-query` (DNS-over-HTTPS JSON) from this map, for the SSRF tests. */
  dns?: Record<string, string[]>;
  onDelivery?: (delivery: CapturedDelivery) => void;
}

function readBody(request: IncomingMessage, limit = 1_048_576): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

async function verifyEd25519(publicKey: string, headers: Record<string, string>, body: string) {
  const raw = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64');
  const key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
  const content = new TextEncoder().encode(
    `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`,
  );
  const signatures = (headers['webhook-signature'] ?? '')
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1a');
  if (signatures.length === 0) return null;
  for (const [, signature] of signatures) {
    if (await crypto.subtle.verify('Ed25519', key, Buffer.from(signature ?? '', 'base64'), content))
      return true;
  }
  return false;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(captured: CapturedDelivery[]): string {
  const rows = captured
    .slice(-200)
    .reverse()
    .map((delivery) => {
      const type = (() => {
        try {
          return String((JSON.parse(delivery.body) as { type?: unknown }).type ?? '');
        } catch {
          return '';
        }
      })();
      const verdict =
        delivery.hmacVerified === null
          ? 'no secret known'
          : delivery.hmacVerified
            ? `v1 verified${delivery.ed25519Verified ? ' · v1a verified' : ''}`
            : `NOT verified: ${delivery.verifyError ?? ''}`;
      return `<tr><td>${escapeHtml(delivery.receivedAt)}</td><td>${escapeHtml(delivery.path)}</td><td>${escapeHtml(type)}</td><td>${escapeHtml(delivery.headers['webhook-id'] ?? '')}</td><td>${delivery.status}</td><td>${escapeHtml(verdict)}</td><td><details><summary>body</summary><pre>${escapeHtml(delivery.body)}</pre></details></td></tr>`;
    })
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>Local webhook receiver</title><meta http-equiv="refresh" content="5">
<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;max-width:50rem}</style>
<h1>Local webhook receiver</h1><p>${captured.length} deliveries received. Point a webhook endpoint (Settings → Webhooks) at this server's URL followed by any path. Signatures are checked with the standardwebhooks library.</p>
<table><tr><th>Received</th><th>Path</th><th>Type</th><th>webhook-id</th><th>Answer</th><th>Signature</th><th>Payload</th></tr>${rows}</table>`;
}

export async function startWebhookReceiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const captured: CapturedDelivery[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const keys = new Map<string, PathKeys>();
  const keep = options.keep ?? 100_000;
  let baseUrl = '';

  async function receive(request: IncomingMessage, response: ServerResponse, path: string) {
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const script = scripts.get(path);
    const answer = script?.[0] ?? { status: 204 };
    if (script?.[0]) {
      const left = (script[0].times ?? 1) - 1;
      if (left <= 0) script.shift();
      else script[0].times = left;
    }
    const pathKeys =
      keys.get(path) ?? (await options.keysFor?.(`${baseUrl}${path}`).catch(() => null)) ?? null;
    const delivery: CapturedDelivery = {
      path,
      receivedAt: new Date().toISOString(),
      headers,
      body,
      status: answer.status,
      hmacVerified: null,
      verifiedWith: [],
      ed25519Verified: null,
      verifyError: null,
    };
    if (pathKeys && pathKeys.secrets.length > 0) {
      const errors: string[] = [];
      pathKeys.secrets.forEach((secret, index) => {
        try {
          new Webhook(secret).verify(body, headers);
          delivery.verifiedWith.push(index);
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      });
      delivery.hmacVerified = delivery.verifiedWith.length > 0;
      if (!delivery.hmacVerified) delivery.verifyError = errors.join('; ');
    }
    if (pathKeys?.publicKey)
      delivery.ed25519Verified = await verifyEd25519(pathKeys.publicKey, headers, body);
    captured.push(delivery);
    if (captured.length > keep) captured.splice(0, captured.length - keep);
    options.onDelivery?.(delivery);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    const answerHeaders: Record<string, string> = { 'content-type': 'text/plain' };
    if (answer.retryAfter) answerHeaders['retry-after'] = answer.retryAfter;
    if (answer.location) answerHeaders.location = answer.location;
    response.writeHead(answer.status, answerHeaders);
    response.end(answer.status >= 400 ? `refused with ${answer.status}` : 'ok');
  }

  async function control(request: IncomingMessage, response: ServerResponse, url: URL) {
    const action = url.pathname.slice('/_control/'.length);
    if (request.method === 'GET' && action === 'captured') {
      const path = url.searchParams.get('path');
      return sendJson(response, 200, path ? captured.filter((entry) => entry.path === path) : captured);
    }
    if (request.method === 'POST' && action === 'script') {
      const { path, answers } = JSON.parse(await readBody(request)) as {
        path: string;
        answers: ScriptedAnswer[];
      };
      scripts.set(path, answers);
      return sendJson(response, 200, { ok: true });
    }
    if (request.method === 'POST' && action === 'keys') {
      const { path, ...pathKeys } = JSON.parse(await readBody(request)) as PathKeys & { path: string };
      keys.set(path, pathKeys);
      return sendJson(response, 200, { ok: true });
    }
    if (request.method === 'POST' && action === 'reset') {
      captured.length = 0;
      scripts.clear();
      keys.clear();
      return sendJson(response, 200, { ok: true });
    }
    return sendJson(response, 404, { error: 'unknown control action' });
  }

  function dnsQuery(response: ServerResponse, url: URL) {
    const name = (url.searchParams.get('name') ?? '').replace(/\.$/, '');
    const type = url.searchParams.get('type') === 'AAAA' ? 28 : 1;
    const addresses = (options.dns?.[name] ?? []).filter(
      (address) => address.includes(':') === (type === 28),
    );
    response.writeHead(200, { 'content-type': 'application/dns-json' });
    response.end(
      JSON.stringify({
        Status: options.dns?.[name] ? 0 : 3,
        Answer: addresses.map((data) => ({ name, type, TTL: 60, data })),
      }),
    );
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://receiver.local');
    const handled = (async () => {
      if (url.pathname.startsWith('/_control/')) return control(request, response, url);
      if (url.pathname === '/dns-query') return dnsQuery(response, url);
      if (request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(page(captured));
        return;
      }
      if (request.method === 'POST') return receive(request, response, url.pathname);
      response.writeHead(405);
      response.end();
    })();
    handled.catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: options.port ?? 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${LOOPBACK}:${port}`;
  return {
    url: baseUrl,
    port,
    captured,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
