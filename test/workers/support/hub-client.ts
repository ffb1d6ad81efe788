import { expect } from 'vitest';
import type {
  ServerFrame,
  ServerMessage,
} from '../../../worker/modules/notifications/notifications.protocol';

/** A test client of /ws/notifications: records every frame and waits for messages by predicate. */
export interface HubClient {
  socket: WebSocket;
  frames: ServerFrame[];
  messages(): ServerMessage[];
  pongs(): number;
  /** Resolves with the first message (after the ones already consumed) matching the predicate. */
  next<T extends ServerMessage['type']>(
    type: T,
    predicate?: (message: Extract<ServerMessage, { type: T }>) => boolean,
  ): Promise<Extract<ServerMessage, { type: T }>>;
  send(message: unknown): void;
  resume(cursor: number | null): Promise<Extract<ServerMessage, { type: 'notifications' }>>;
  close(): void;
}

export function hubClient(response: Response): HubClient {
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error('no WebSocket in the upgrade response');
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  const consumed = new Set<ServerMessage>();
  let pongs = 0;
  socket.addEventListener('message', (event) => {
    const data = String(event.data);
    // Heartbeat answers come from the runtime as plain text, outside the protocol.
    if (data === 'pong') pongs++;
    else frames.push(JSON.parse(data) as ServerFrame);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.accept();
  const messages = () => frames.flatMap((frame) => frame.messages);
  const client: HubClient = {
    socket,
    frames,
    messages,
    pongs: () => pongs,
    async next(type, predicate) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = messages().find(
          (message) =>
            !consumed.has(message) &&
            message.type === type &&
            (!predicate || predicate(message as Extract<ServerMessage, { type: typeof type }>)),
        );
        if (found) {
          consumed.add(found);
          return found as Extract<ServerMessage, { type: typeof type }>;
        }
        if (Date.now() > deadline) throw new Error(`no ${type} message within 10 s`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    send(message) {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    async resume(cursor) {
      client.send({ v: 1, type: 'resume', cursor });
      return client.next('notifications', (message) => message.replay);
    },
    close() {
      socket.close(1000, 'done');
    },
  };
  return client;
}
