import { withTransaction } from '@bizosaas/db';
import type pg from 'pg';
import { applyEvents, wantedTypes } from './apply-events.ts';
import type { AnyProjection, ProjectionTables } from './projection.ts';
import type { GlobalCheckpoint } from '../store/types.ts';
import { compareLogPositions } from './log-position.ts';
import { readEventsAfter, type LogEvent } from './read-events-after.ts';

export interface CopyTarget {
  readonly reader: pg.ClientBase;
  readonly writer: pg.ClientBase;
  readonly schema: string;
  readonly projection: AnyProjection;
  readonly tables: ProjectionTables;
  readonly batchSize: number;
  /**
   * true: each page commits on its own, with synchronous_commit off (a crash loses at most a
   * rebuild, which restarts from scratch anyway). false: the caller's transaction spans it all.
   */
  readonly pageTransactions: boolean;
  /** Stop after this position (default: at the snapshot horizon). */
  readonly until?: GlobalCheckpoint;
}

/** How far a copy got: the last log position applied, log rows read, events applied. */
export interface CopyProgress {
  readonly position: GlobalCheckpoint;
  readonly read: number;
  readonly applied: number;
}

/**
 * Replays the log after `from.position` into one generation's tables, page by page, until a
 * page comes back short (the snapshot horizon: everything committed so far is in). The reader
 * fetches the next page while the writer applies the current one, so PostgreSQL and Node work
 * in parallel.
 */
export async function copyLog(target: CopyTarget, from: CopyProgress): Promise<CopyProgress> {
  const { reader, schema, batchSize } = target;
  const types = wantedTypes(target.projection);
  let progress = from;
  const bounded = (logged: LogEvent[]): LogEvent[] => {
    const { until } = target;
    return until ? logged.filter((entry) => compareLogPositions(entry.position, until) <= 0) : logged;
  };
  let page = bounded(await readEventsAfter(reader, schema, from.position, batchSize, types));
  while (page.length > 0) {
    const last = page.at(-1)?.position ?? progress.position;
    const nextPage: Promise<LogEvent[]> =
      page.length === batchSize ? readEventsAfter(reader, schema, last, batchSize, types) : Promise.resolve([]);
    try {
      const applied = await applyPage(target, page);
      progress = { position: last, read: progress.read + page.length, applied: progress.applied + applied };
    } catch (error) {
      await nextPage.catch(() => {}); // never hand back a client with a query in flight
      throw error;
    }
    page = bounded(await nextPage);
  }
  return progress;
}

async function applyPage(target: CopyTarget, page: readonly LogEvent[]): Promise<number> {
  const { writer, projection, tables } = target;
  if (!target.pageTransactions) return (await applyEvents(writer, projection, tables, page)).length;
  const applied = await withTransaction(writer, () => applyEvents(writer, projection, tables, page), {
    settings: { synchronous_commit: 'off' },
  });
  return applied.length;
}
