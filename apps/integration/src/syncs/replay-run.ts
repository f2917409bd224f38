import type { FastifyBaseLogger } from 'fastify';
import { withTransaction } from '@bizosaas/db';
import type { IntegrationContext } from '../context.ts';
import type { CrmForwarder } from './crm-forwarder.ts';
import type { ArchivePage, ArchiveReader } from './replay-archive.ts';
import { replayedPages } from './replay-records.ts';
import type { ReplayWindow } from './replay-window.ts';
import { holdLease, LeaseLostError, type RunLease } from './run-lease.ts';
import type { RunOutcome } from './run-sync.ts';
import type { ClaimedRun } from './start-run.ts';

export interface ReplayDeps {
  ctx: IntegrationContext;
  archive: ArchiveReader;
  forwarder: CrmForwarder;
  leaseMs: number;
  /** Archived events read per history page (each one page of the provider, up to 1,000 records). */
  pageSize: number;
  log: FastifyBaseLogger;
}

interface ReplayRun {
  claimed: ClaimedRun;
  lease: RunLease;
  window: ReplayWindow;
  cursor: string | null;
  signal: AbortSignal;
}

/** What one history page added to the run. */
interface ReplayCounts {
  pages: number;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  duplicates: number;
}

/** The replay's window and where it stands, as committed. */
async function load(deps: ReplayDeps, claimed: ClaimedRun) {
  const { rows } = await withTransaction(
    deps.ctx.pool,
    (client) =>
      client.query<{ window_from: Date; window_to: Date; archive_cursor: string | null }>(
        `SELECT window_from, window_to, archive_cursor FROM integration.sync_runs WHERE id = $1 AND kind = 'replay'`,
        [claimed.runId],
      ),
    { tenantId: claimed.tenantId },
  );
  if (!rows[0]) throw new LeaseLostError(claimed.runId);
  return { window: { from: rows[0].window_from, to: rows[0].window_to }, cursor: rows[0].archive_cursor };
}

/** Forwards a history page's events in order, each exactly as its live run forwarded it. */
async function forwardPage(run: ReplayRun, deps: ReplayDeps, page: ArchivePage): Promise<ReplayCounts> {
  const counts: ReplayCounts = {
    pages: page.events.length,
    fetched: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    duplicates: 0,
  };
  const { tenantId, syncId } = run.claimed;
  for (const event of page.events) {
    for (const forwarded of replayedPages(event, syncId)) {
      const { duplicates } = await deps.forwarder.forward(
        { tenantId, syncId, runId: forwarded.runId, page: forwarded.page, records: forwarded.records },
        run.signal,
      );
      counts.fetched += forwarded.records.length;
      counts.created += forwarded.changes.created;
      counts.updated += forwarded.changes.updated;
      counts.deleted += forwarded.changes.deleted;
      counts.duplicates += duplicates;
    }
  }
  return counts;
}

/**
 * Commits a forwarded history page: its counts and the cursor after it, under the run's lease
 * (fenced: nothing is written once another replica holds it). The last page completes the run
 * in the same statement, so a replay is never resumed after its last page.
 */
async function commit(run: ReplayRun, deps: ReplayDeps, counts: ReplayCounts, next: string | null): Promise<void> {
  const { ctx } = deps;
  await run.lease.exclusive(async (held, nextLease) => {
    const done = next === null;
    const { rowCount } = await withTransaction(
      ctx.pool,
      (client) =>
        client.query(
          `UPDATE integration.sync_runs SET pages = pages + $3, fetched = fetched + $4, created = created + $5,
             updated = updated + $6, deleted = deleted + $7, duplicates = duplicates + $8, archive_cursor = $9,
             lease_until = CASE WHEN $10 THEN NULL ELSE $11::timestamptz END,
             status = CASE WHEN $10 THEN 'completed' ELSE status END,
             finished_at = CASE WHEN $10 THEN $12::timestamptz ELSE finished_at END
           WHERE id = $1 AND status = 'running' AND lease_until = $2`,
          [
            run.claimed.runId,
            held,
            counts.pages,
            counts.fetched,
            counts.created,
            counts.updated,
            counts.deleted,
            counts.duplicates,
            next,
            done,
            nextLease,
            ctx.now(),
          ],
        ),
      { tenantId: run.claimed.tenantId },
    );
    return { held: rowCount === 1, value: undefined };
  });
  run.cursor = next;
}

/** Pages through the window from the committed cursor to the end, forwarding then committing each. */
async function replayWindow(run: ReplayRun, deps: ReplayDeps): Promise<void> {
  const { tenantId, syncId } = run.claimed;
  for (;;) {
    const page = await deps.archive.read(
      { tenantId, syncId, window: run.window, cursor: run.cursor, limit: deps.pageSize },
      run.signal,
    );
    await commit(run, deps, await forwardPage(run, deps, page), page.nextCursor);
    if (page.nextCursor === null) return;
  }
}

/** Fails the run with `error` while it holds the lease. */
async function fail(run: Pick<ReplayRun, 'claimed' | 'lease'>, deps: ReplayDeps, error: string): Promise<RunOutcome> {
  try {
    await run.lease.exclusive(async (held) => {
      const { rowCount } = await withTransaction(
        deps.ctx.pool,
        (client) =>
          client.query(
            `UPDATE integration.sync_runs SET status = 'failed', error = $3, finished_at = $4, lease_until = NULL
             WHERE id = $1 AND status = 'running' AND lease_until = $2`,
            [run.claimed.runId, held, error.slice(0, 1000), deps.ctx.now()],
          ),
        { tenantId: run.claimed.tenantId },
      );
      return { held: rowCount === 1, value: undefined };
    });
    return 'failed';
  } catch (failure) {
    if (failure instanceof LeaseLostError) return 'lost';
    throw failure;
  }
}

/**
 * Executes a claimed replay to its end: the sync's archived records of the window, a history page
 * at a time, forwarded to domain-repository and committed with the cursor; the provider is never
 * called. A failure (archive, forwarding, an unreadable event) fails the run; a lost lease stops it
 * without writing; a shutdown hands the lease back so another replica resumes from the cursor.
 */
export async function runReplay(deps: ReplayDeps, claimed: ClaimedRun, shutdown: AbortSignal): Promise<RunOutcome> {
  const { ctx, log } = deps;
  const held = holdLease(ctx, claimed, deps.leaseMs, log);
  const { lease } = held;
  const signal = AbortSignal.any([shutdown, held.lost]);
  try {
    const { window, cursor } = await load(deps, claimed);
    await replayWindow({ claimed, lease, window, cursor, signal }, deps);
    return 'completed';
  } catch (error) {
    const interrupted = await held.interrupted(error, shutdown);
    if (interrupted) return interrupted;
    log.warn({ err: error, runId: claimed.runId, syncId: claimed.syncId }, 'sync replay failed');
    return fail({ claimed, lease }, deps, String((error as Error).message));
  } finally {
    held.stop();
  }
}
