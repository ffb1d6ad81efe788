import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Sentry's ingestion endpoint: accepts envelopes on
 * `POST /api/<project>/envelope/` as the SDK sends them and lists what it got
 * on `GET /__envelopes`, so tests can check what would leave the worker.
 */
export interface SentrySink {
  url: string;
  dsn: string;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** An envelope is newline-delimited JSON: a header, then item header / item payload pairs. */
function parseEnvelope(raw: string): unknown[] {
  return raw
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
}

export async function startSentrySink(): Promise<SentrySink> {
  const envelopes: unknown[][] = [];
  const server = createServer(async (request, response) => {
    if (request.method === 'POST' && /^\/api\/\d+\/envelope\/?/.test(request.url ?? '')) {
      envelopes.push(parseEnvelope(await readBody(request)));
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    if (request.method === 'GET' && request.url === '/__envelopes') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(envelopes));
      return;
    }
    if (request.method === 'DELETE' && request.url === '/__envelopes') {
      envelopes.length = 0;
      response.writeHead(204).end();
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
