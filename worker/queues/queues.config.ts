/**
 * Queue names and retry budgets. Mirrors wrangler.toml (a test keeps them in
 * step): the runtime does not tell a consumer its own `max_retries`.
 */
export const QUEUES = {
  'domain-events': { maxRetries: 5, binding: 'DOMAIN_EVENTS_QUEUE' },
  'webhook-deliveries': { maxRetries: 8, binding: 'WEBHOOK_DELIVERIES_QUEUE' },
  'email-sends': { maxRetries: 5, binding: 'EMAIL_SENDS_QUEUE' },
  exports: { maxRetries: 3, binding: 'EXPORTS_QUEUE' },
  imports: { maxRetries: 3, binding: 'IMPORTS_QUEUE' },
} as const satisfies Record<string, { maxRetries: number; binding: keyof Env }>;

export type QueueName = keyof typeof QUEUES;
export const DEAD_LETTER_SUFFIX = '-dlq';

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(QUEUES, name);
}

/** Exponential backoff: 10 s, 20 s, 40 s … capped at one hour (queues cap delays at 12 h). */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(10 * 2 ** Math.max(0, attempts - 1), 3_600);
}
