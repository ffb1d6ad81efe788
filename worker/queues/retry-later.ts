/**
 * Thrown by a queue handler that wants its message again after a delay of its
 * own choosing (a webhook retry schedule, a `Retry-After`) instead of the
 * queue's default backoff. Within the queue's retry budget the consumer calls
 * `message.retry({ delaySeconds })`; past it the message is dead as usual.
 */
export class RetryLater extends Error {
  override name = 'RetryLater';

  constructor(
    readonly delaySeconds: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** Queues refuse delays above 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;
