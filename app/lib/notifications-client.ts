import { useEffect, useState, useSyncExternalStore } from 'react';
import {
  type ClientMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  serverFrameSchema,
  type WireNotification,
} from '../../worker/modules/notifications/notifications.protocol';

export type { WireNotification };

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface StreamSnapshot {
  status: ConnectionStatus;
  unread: number;
  /** The latest notifications, newest first (not archived). */
  items: WireNotification[];
  /** True once the first catch-up arrived. */
  ready: boolean;
}

/** Fired on `window` whenever notifications change, so pages can refresh their data. */
export const NOTIFICATIONS_CHANGED_EVENT = 'alforis:notifications';

const KEEP_ITEMS = 30;
const HEARTBEAT_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** Exponential backoff with "full jitter": spreads reconnections after a deploy drops every socket at once. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The browser side of /ws/notifications: one socket per tab, resumed from the
 * last cursor after every reconnect, so a dropped connection (network, deploy,
 * hibernation eviction) loses nothing and repeats nothing.
 */
export class NotificationStream {
  private socket: WebSocket | null = null;
  private cursor: number | null = null;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private listeners = new Set<() => void>();
  private snapshot: StreamSnapshot = { status: 'connecting', unread: 0, items: [], ready: false };

  constructor(
    private readonly options: {
      url: string;
      /** New notifications pushed live (not the catch-up of a first visit). */
      onLive?: (items: WireNotification[]) => void;
    },
  ) {}

  start() {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.clearTimers();
    this.socket?.close(1000, 'page closed');
    this.socket = null;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  /** Read on the socket when it is up (the hub tells the other tabs), else through the API. */
  async markRead(ids: string[] | 'all') {
    this.applyRead(ids, new Date().toISOString());
    const message: ClientMessage =
      ids === 'all' ? { v: PROTOCOL_VERSION, type: 'read_all' } : { v: PROTOCOL_VERSION, type: 'read', ids };
    if (this.snapshot.status === 'online' && this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return;
    }
    await fetch(ids === 'all' ? '/api/v1/notifications/read-all' : '/api/v1/notifications/read', {
      method: 'POST',
      credentials: 'same-origin',
      headers: ids === 'all' ? {} : { 'Content-Type': 'application/json' },
      body: ids === 'all' ? undefined : JSON.stringify({ ids }),
    });
  }

  /** Refreshes the latest items from the API (read states may have changed while offline). */
  async refresh() {
    const response = await fetch('/api/v1/notifications?limit=10', { credentials: 'same-origin' });
    if (!response.ok) return;
    const page = (await response.json()) as { data: WireNotification[] };
    const fresh = new Map(page.data.map((item) => [item.id, item]));
    const merged = [...page.data, ...this.snapshot.items.filter((item) => !fresh.has(item.id))];
    this.update({ items: sortItems(merged) });
  }

  private connect() {
    if (this.stopped) return;
    this.clearTimers();
    this.update({ status: this.snapshot.ready ? 'offline' : 'connecting' });
    const url = new URL(this.options.url, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      socket.send(
        JSON.stringify({ v: PROTOCOL_VERSION, type: 'resume', cursor: this.cursor } satisfies ClientMessage),
      );
      this.heartbeatTimer = setInterval(() => this.heartbeat(socket), HEARTBEAT_MS);
    });
    socket.addEventListener('message', (event) => this.onFrame(String(event.data)));
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.update({ status: 'offline' });
      this.scheduleReconnect();
    });
  }

  private heartbeat(socket: WebSocket) {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send('ping');
    this.pongTimer ??= setTimeout(() => {
      // No pong: the connection is dead without having closed (sleeping laptop, lost Wi-Fi).
      this.pongTimer = null;
      socket.close(4000, 'heartbeat timeout');
    }, PONG_TIMEOUT_MS);
  }

  private scheduleReconnect() {
    if (this.stopped || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private onOnline = () => {
    this.attempt = 0;
    if (!this.socket) {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    }
  };

  private onOffline = () => {
    this.update({ status: 'offline' });
    this.socket?.close(4001, 'browser offline');
  };

  private onFrame(data: string) {
    if (data === 'pong') {
      if (this.pongTimer) clearTimeout(this.pongTimer);
      this.pongTimer = null;
      return;
    }
    let parsed: ReturnType<typeof serverFrameSchema.safeParse>;
    try {
      parsed = serverFrameSchema.safeParse(JSON.parse(data));
    } catch {
      return;
    }
    if (!parsed.success) return;
    for (const message of parsed.data.messages) this.onMessage(message);
    window.dispatchEvent(new CustomEvent(NOTIFICATIONS_CHANGED_EVENT));
  }

  private onMessage(message: ServerMessage) {
    switch (message.type) {
      case 'notifications': {
        const known = new Set(this.snapshot.items.map((item) => item.id));
        const fresh = message.items.filter((item) => !known.has(item.id));
        this.cursor = Math.max(this.cursor ?? 0, message.cursor);
        const firstVisit = message.replay && !this.snapshot.ready;
        this.update({
          items: sortItems([...fresh, ...this.snapshot.items]).slice(0, KEEP_ITEMS),
          ...(message.replay ? { status: 'online' as const, ready: true } : {}),
        });
        if (message.replay) this.attempt = 0;
        if (!firstVisit && fresh.length > 0) this.options.onLive?.(fresh);
        return;
      }
      case 'read':
        this.applyRead(message.ids, message.readAt);
        return;
      case 'archived': {
        const gone = new Set(message.ids);
        this.update({ items: this.snapshot.items.filter((item) => !gone.has(item.id)) });
        return;
      }
      case 'unread':
        this.update({ unread: message.count });
        return;
      case 'hello':
      case 'error':
        return;
    }
  }

  private applyRead(ids: string[] | 'all', readAt: string) {
    const targets = ids === 'all' ? null : new Set(ids);
    let changed = 0;
    const items = this.snapshot.items.map((item) => {
      if (item.readAt || (targets && !targets.has(item.id))) return item;
      changed++;
      return { ...item, readAt };
    });
    this.update({
      items,
      unread: ids === 'all' ? 0 : Math.max(0, this.snapshot.unread - changed),
    });
  }

  private clearTimers() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    this.pongTimer = null;
  }

  private update(patch: Partial<StreamSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function sortItems(items: WireNotification[]): WireNotification[] {
  return [...items].sort((a, b) => b.seq - a.seq);
}

const SERVER_SNAPSHOT: StreamSnapshot = { status: 'connecting', unread: 0, items: [], ready: false };

/** One stream for the tab's lifetime (the root layout stays mounted across navigations). */
export function useNotificationStream(onLive: (items: WireNotification[]) => void) {
  const [stream] = useState(() =>
    typeof window === 'undefined' ? null : new NotificationStream({ url: '/ws/notifications', onLive }),
  );
  useEffect(() => {
    if (!stream) return;
    stream.start();
    return () => stream.stop();
  }, [stream]);
  const snapshot = useSyncExternalStore(
    stream?.subscribe ?? (() => () => undefined),
    stream?.getSnapshot ?? (() => SERVER_SNAPSHOT),
    () => SERVER_SNAPSHOT,
  );
  return { stream, snapshot };
}
