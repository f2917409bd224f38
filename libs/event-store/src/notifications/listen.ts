import { reconnectDelay } from '@bizosaas/messaging';
import pg from 'pg';

export interface NotificationListenerOptions {
  /** The connection is taken from this pool and kept (the pool needs room for it). */
  pool: pg.Pool;
  channel: string;
  /** Called for every notification, and after each (re)connection to catch up on missed ones. */
  onNotify: () => void;
  /** Notifications with this payload are not passed on (OutboxNotifier.origin of an in-process waker). */
  ignorePayload?: string;
  onError: (error: unknown) => void;
  maxReconnectDelayMs?: number;
}

export interface NotificationListener {
  close(): void;
}

/**
 * Keeps one connection LISTENing on `channel`, reconnecting with backoff when it breaks.
 * Resolves once the first attempt succeeded or failed (a failure keeps retrying in the
 * background; the caller's polling covers the gap).
 */
export async function listenForNotifications(options: NotificationListenerOptions): Promise<NotificationListener> {
  const { pool, channel, onNotify, onError, ignorePayload } = options;
  let current: pg.PoolClient | undefined;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const drop = (client: pg.PoolClient, error?: unknown) => {
    if (current !== client) return;
    current = undefined;
    client.release(true);
    if (error !== undefined) onError(error);
    if (!closed) retry();
  };
  const retry = () => {
    failures += 1;
    timer = setTimeout(() => void connect(), reconnectDelay(failures, options.maxReconnectDelayMs ?? 5_000));
  };
  const connect = async () => {
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      if (closed) return client.release(true);
      current = client;
      const listening = client;
      client.on(
        'notification',
        (message) => message.channel === channel && message.payload !== ignorePayload && onNotify(),
      );
      client.on('error', (error) => drop(listening, error));
      client.on('end', () => drop(listening, new Error('LISTEN connection ended')));
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      failures = 0;
      onNotify();
    } catch (error) {
      if (client) return drop(client, error); // a no-op when its 'error' event dropped it already
      onError(error);
      if (!closed) retry();
    }
  };

  await connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (current) {
        const client = current;
        current = undefined;
        client.release(true);
      }
    },
  };
}
