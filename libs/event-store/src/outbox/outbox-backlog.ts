import pg from 'pg';

export interface OutboxBacklog {
  /** Unpublished rows (committed, visible to the caller: use the worker role). */
  rows: number;
  /** Age of the oldest unpublished row (its created_at is clock_timestamp() at insert); 0 when empty. */
  oldestAgeSeconds: number;
}

/** Reads the outbox backlog of a schema: what the relay still has to publish. */
export async function outboxBacklog(client: pg.Pool | pg.ClientBase, schema: string): Promise<OutboxBacklog> {
  const s = pg.escapeIdentifier(schema);
  const { rows } = await client.query<{ rows: string; age: number | null }>(
    `SELECT (SELECT count(*) FROM ${s}.outbox) AS rows,
            (SELECT extract(epoch FROM clock_timestamp() - created_at)::float8
               FROM ${s}.outbox ORDER BY position LIMIT 1) AS age`,
  );
  return { rows: Number(rows[0]?.rows ?? 0), oldestAgeSeconds: Math.max(0, rows[0]?.age ?? 0) };
}
