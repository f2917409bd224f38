import type pg from 'pg';

/**
 * Deletes archived events older than `ttlDays` (by occurred_at), oldest first, 5,000 rows per
 * autocommitted statement so no run holds long locks. Worker role: every tenant's rows.
 */
export async function deleteExpiredEvents(workerPool: pg.Pool, ttlDays: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - ttlDays * 86_400_000);
  let total = 0;
  for (;;) {
    const { rowCount } = await workerPool.query(
      `DELETE FROM event_bus.archived_events WHERE id = ANY(ARRAY(
         SELECT id FROM event_bus.archived_events WHERE occurred_at < $1 ORDER BY occurred_at LIMIT 5000))`,
      [before],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < 5000) return total;
  }
}
