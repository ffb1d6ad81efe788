import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { expect, inject, vi } from 'vitest';
import worker from '../../../worker/index';

/** A queue binding that keeps what it is given (with delays) instead of delivering it. */
export function recordingQueue() {
  const sent: { body: unknown; delaySeconds: number }[] = [];
  const queue = {
    sent,
    async send(body: unknown, options?: { delaySeconds?: number }) {
      sent.push({ body, delaySeconds: options?.delaySeconds ?? 0 });
    },
    async sendBatch(messages: Iterable<{ body: unknown; delaySeconds?: number }>) {
      for (const message of messages)
        sent.push({ body: message.body, delaySeconds: message.delaySeconds ?? 0 });
    },
    take() {
      return sent.splice(0, sent.length);
    },
  };
  return queue as typeof queue & Queue;
}

export type RecordingQueue = ReturnType<typeof recordingQueue>;

export const sinkUrl = () => inject('EMAIL_SINK_URL');

export interface SinkMessage {
  id: string;
  to: string[];
  from: string;
  subject: string;
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
  customArgs: Record<string, string>;
}

export async function sinkMessages(to?: string): Promise<SinkMessage[]> {
  const response = await fetch(`${sinkUrl()}/__messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
  return ((await response.json()) as { messages: SinkMessage[] }).messages;
}

export async function failNextSends(count: number, status = 500) {
  await fetch(`${sinkUrl()}/__fail`, { method: 'POST', body: JSON.stringify({ count, status }) });
}

/** Bindings for email tests: the file's database, the sink, a recording email queue. */
export function emailEnv(
  databaseUrl: string,
  queue: RecordingQueue,
  extra: Record<string, string> = {},
): Partial<Env> {
  return {
    DATABASE_URL: databaseUrl,
    EMAIL_SENDS_QUEUE: queue,
    ...({ SENDGRID_BASE_URL: sinkUrl(), EMAIL_PUBLIC_BASE_URL: 'http://crm.test', ...extra } as Partial<Env>),
  };
}

let deliveries = 0;

/** Delivers messages through the real `queue` export; returns acks and retries. */
export async function deliver(queueName: string, bodies: unknown[], overrides: Partial<Env>, attempts = 1) {
  const batch = createMessageBatch(
    queueName,
    bodies.map((body) => ({ id: `m${++deliveries}`, timestamp: new Date(), attempts, body })),
  );
  const retries = batch.messages.map((message) => vi.spyOn(message, 'retry'));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...overrides }, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retried: retries.filter((spy) => spy.mock.calls.length > 0).length };
}

/** Runs the email queue until it is empty (bounded): what the real consumer would do over time. */
export async function pump(queue: RecordingQueue, overrides: Partial<Env>, rounds = 20) {
  for (let round = 0; round < rounds; round++) {
    const pending = queue.take();
    if (pending.length === 0) return;
    const result = await deliver(
      'email-sends',
      pending.map((entry) => entry.body),
      overrides,
    );
    expect(result.retryMessages, 'no message retried while pumping').toEqual([]);
  }
  throw new Error('the email queue did not drain');
}
