import type pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

/**
 * Holds one pool connection LISTENing on `channel` and calls `onNotify` for each notification.
 * A lost connection is reported and replaced after a second; meanwhile polling covers.
 */
export function listenForWakeups(
  pool: pg.Pool,
  channel: string,
  onNotify: () => void,
  onError: (error: unknown, projection: string) => void,
): Listener {
  let closed = false;
  let client: pg.PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    try {
      const connected = await pool.connect();
      client = connected;
      connected.on('notification', onNotify);
      connected.once('error', (error) => {
        onError(error, `listen ${channel}`);
        if (client !== connected) return;
        connected.release(error);
        client = undefined;
        if (!closed) retry = setTimeout(() => void connect(), 1000);
      });
      await connected.query(`LISTEN ${escapeChannel(channel)}`);
      if (closed) await release();
    } catch (error) {
      onError(error, `listen ${channel}`);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    }
  };
  const release = async () => {
    const current = client;
    client = undefined;
    if (!current) return;
    current.removeListener('notification', onNotify);
    await current.query(`UNLISTEN ${escapeChannel(channel)}`).catch(() => {});
    current.release();
  };
  const started = connect();

  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await started;
      await release();
    },
  };
}

const escapeChannel = (channel: string) => `"${channel.replace(/"/g, '""')}"`;
