import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local email provider speaking SendGrid's v3 protocol (`POST /v3/mail/send`,
 * bearer API key, 202 + `X-Message-Id`, SendGrid's `{ errors: [...] }` on 400),
 * so development and tests send real HTTP requests and read what was "sent".
 *
 *  - `GET /__messages[?to=addr]` lists received messages (newest last);
 *  - `DELETE /__messages` empties the sink;
 *  - `POST /__fail` `{ count, status }` makes the next `count` sends answer `status`
 *    (provider outages for retry tests and the benchmark).
 */

export interface SinkMessage {
  id: string;
  receivedAt: string;
  to: string[];
  from: string;
  subject: string;
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
  customArgs: Record<string, string>;
  categories: string[];
}

export interface EmailSink {
  url: string;
  apiKey: string;
  messages: SinkMessage[];
  stop(): Promise<void>;
}

interface SendgridRequest {
  personalizations?: {
    to?: { email?: string; name?: string }[];
    subject?: string;
    custom_args?: Record<string, string>;
  }[];
  from?: { email?: string; name?: string };
  subject?: string;
  content?: { type?: string; value?: string }[];
  headers?: Record<string, string>;
  categories?: string[];
  custom_args?: Record<string, string>;
}

function readBody(request: IncomingMessage, limit = 30 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** SendGrid's validation, for the fields we send: what it would refuse with a 400. */
function validate(body: SendgridRequest): { message: string; field: string }[] {
  const errors: { message: string; field: string }[] = [];
  if (!Array.isArray(body.personalizations) || body.personalizations.length === 0) {
    errors.push({
      message: 'The personalizations field is required and must have at least one personalization.',
      field: 'personalizations',
    });
  } else {
    body.personalizations.forEach((personalization, index) => {
      if (!personalization.to?.length || personalization.to.some((to) => !to.email?.includes('@'))) {
        errors.push({ message: 'Does not contain a valid address.', field: `personalizations.${index}.to` });
      }
    });
  }
  if (!body.from?.email?.includes('@'))
    errors.push({ message: 'The from email does not contain a valid address.', field: 'from.email' });
  if (!body.subject && !body.personalizations?.every((personalization) => personalization.subject)) {
    errors.push({ message: 'The subject is required.', field: 'subject' });
  }
  if (
    !Array.isArray(body.content) ||
    body.content.length === 0 ||
    body.content.some((part) => !part.type || !part.value)
  ) {
    errors.push({
      message: 'Unless a valid template_id is provided, the content parameter is required.',
      field: 'content',
    });
  } else if (
    body.content[0]?.type !== 'text/plain' &&
    body.content.some((part) => part.type === 'text/plain')
  ) {
    errors.push({ message: 'If present, text/plain content must be first.', field: 'content' });
  }
  return errors;
}

export async function startEmailSink(
  options: { apiKey?: string; port?: number; onLog?: (line: string) => void } = {},
): Promise<EmailSink> {
  const apiKey = options.apiKey ?? 'SG.local-development-key';
  const messages: SinkMessage[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://sink');
      if (request.method === 'POST' && url.pathname === '/v3/mail/send') {
        if (request.headers.authorization !== `Bearer ${apiKey}`) {
          sendJson(response, 401, {
            errors: [
              {
                message: 'The provided authorization grant is invalid, expired, or revoked',
                field: null,
                help: null,
              },
            ],
          });
          return;
        }
        const raw = await readBody(request);
        if (failures.count > 0) {
          failures.count--;
          sendJson(
            response,
            failures.status,
            { errors: [{ message: 'Injected failure', field: null }] },
            failures.status === 429 ? { 'Retry-After': '1' } : {},
          );
          return;
        }
        let body: SendgridRequest;
        try {
          body = JSON.parse(raw) as SendgridRequest;
        } catch {
          sendJson(response, 400, { errors: [{ message: 'Bad Request', field: null, help: null }] });
          return;
        }
        const errors = validate(body);
        if (errors.length > 0) {
          sendJson(response, 400, { errors: errors.map((error) => ({ ...error, help: null })) });
          return;
        }
        const id = randomUUID().replaceAll('-', '').slice(0, 22);
        for (const personalization of body.personalizations ?? []) {
          messages.push({
            id,
            receivedAt: new Date().toISOString(),
            to: (personalization.to ?? []).map((to) => to.email ?? ''),
            from: body.from?.email ?? '',
            subject: personalization.subject ?? body.subject ?? '',
            headers: body.headers ?? {},
            text: body.content?.find((part) => part.type === 'text/plain')?.value ?? null,
            html: body.content?.find((part) => part.type === 'text/html')?.value ?? null,
            customArgs: { ...body.custom_args, ...personalization.custom_args },
            categories: body.categories ?? [],
          });
        }
        response.writeHead(202, { 'X-Message-Id': id }).end();
        return;
      }
      if (url.pathname === '/__messages' && request.method === 'GET') {
        const to = url.searchParams.get('to')?.toLowerCase();
        const limit = Number(url.searchParams.get('limit') ?? 0);
        let list = to
          ? messages.filter((message) => message.to.some((address) => address.toLowerCase() === to))
          : messages;
        if (limit > 0) list = list.slice(-limit);
        sendJson(response, 200, { count: list.length, messages: list });
        return;
      }
      if (url.pathname === '/__messages' && request.method === 'DELETE') {
        messages.length = 0;
        response.writeHead(204).end();
        return;
      }
      if (url.pathname === '/__fail' && request.method === 'POST') {
        const body = JSON.parse((await readBody(request)) || '{}') as { count?: number; status?: number };
        failures = { count: body.count ?? 1, status: body.status ?? 500 };
        response.writeHead(204).end();
        return;
      }
      sendJson(response, 404, { errors: [{ message: 'Not found', field: null }] });
    } catch (error) {
      options.onLog?.(`email sink: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent)
        sendJson(response, 500, { errors: [{ message: 'sink error', field: null }] });
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    messages,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
