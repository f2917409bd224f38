import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '@bizosaas/ddd-kernel';
import { withTransaction } from '@bizosaas/db';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import type { PageCounts } from './page-store.ts';
import { providerCall } from './provider-call.ts';
import { providerAccess, type ProviderAccess } from './provider-access.ts';
import { SYNC_ACTOR, syncFinished, syncStarted, type RunRef } from './run-events.ts';
import { holdLease, LeaseLostError, type RunLease } from './run-lease.ts';
import { detectDeletions, ingestPages, type ActiveRun, type PageDeps } from './run-pages.ts';
import { sourceFor, type SourceSettings } from './sources/sync-sources.ts';
import type { ClaimedRun } from './start-run.ts';
import { getSync } from './sync-store.ts';
import { NO_PASS, type SyncCursor } from './sync.ts';

export interface RunSyncDeps extends PageDeps {
  leaseMs: number;
  sources: SourceSettings;
  log: FastifyBaseLogger;
  /** The provider, connection and auth headers of a connection (connections/access.ts). */
  access?: (tenantId: string, connectionId: string) => Promise<ProviderAccess>;
}

/** completed | failed: the run ended here; lost: another replica holds it; stopped: handed back on shutdown. */
export type RunOutcome = 'completed' | 'failed' | 'lost' | 'stopped';

const COUNTS = 'pages, fetched, created, updated, deleted, unchanged';

/** A failure as the run's `error` shows it: the message only (providers' answers are already redacted). */
function describe(error: unknown): string {
  const message = error instanceof AppError ? `${error.code}: ${error.message}` : String((error as Error).message);
  return message.slice(0, 1000);
}

/** Ends the run (completed, or failed with `error`) while it holds the lease; a completed pass resets the cursor. */
async function finish(
  run: Pick<ActiveRun, 'ref' | 'lease' | 'cursor'>,
  deps: RunSyncDeps,
  error: string | null,
): Promise<void> {
  const { ctx } = deps;
  await run.lease.exclusive(async (heldLease) => {
    const held = await tenantTransaction(ctx, run.ref.tenantId, async (client, publish) => {
      const { rows } = await client.query<PageCounts>(
        `UPDATE integration.sync_runs SET status = $3, error = $4, finished_at = $5, lease_until = NULL
         WHERE id = $1 AND status = 'running' AND lease_until = $2 RETURNING ${COUNTS}`,
        [run.ref.runId, heldLease, error === null ? 'completed' : 'failed', error, ctx.now()],
      );
      if (!rows[0]) return false;
      if (error === null) {
        const cursor: SyncCursor = { ...NO_PASS, watermark: run.cursor.until ?? run.cursor.watermark };
        await client.query('UPDATE integration.syncs SET cursor = $2, updated_at = $3 WHERE id = $1', [
          run.ref.syncId,
          JSON.stringify(cursor),
          ctx.now(),
        ]);
      }
      await publish([syncFinished(run.ref, rows[0], error, ctx.now)]);
      return true;
    });
    return { held, value: undefined };
  });
}

/** The run's sync as committed. */
async function load(claimed: ClaimedRun, deps: RunSyncDeps) {
  const { tenantId, syncId, runId } = claimed;
  const { stored } = await withTransaction(deps.ctx.pool, (client) => getSync(client, syncId), { tenantId });
  const ref: RunRef = { tenantId, syncId, runId, connectionId: stored.connectionId, model: stored.model };
  return { ref, stored };
}

/** The run's provider and source; a new pass begins where the committed cursor has none going. */
async function prepare(
  { ref, stored }: Awaited<ReturnType<typeof load>>,
  deps: RunSyncDeps,
  lease: RunLease,
  signal: AbortSignal,
): Promise<ActiveRun> {
  const { ctx } = deps;
  const { tenantId, runId } = ref;
  const access = await (deps.access ?? ((t, c) => providerAccess(ctx, t, c)))(tenantId, stored.connectionId);
  // Each header value and its parts ("Bearer <token>"): none may show in an error message.
  const secrets = [...Object.values(access.headers), deps.sources.googleAdsDeveloperToken ?? '']
    .flatMap((value) => [value, ...value.split(' ')])
    .filter((secret) => secret.length >= 8);
  const call = providerCall({ http: ctx.outbound, name: access.provider.name, secrets, signal });
  const source = sourceFor(stored.model, access, call, deps.sources);
  let cursor = stored.cursor;
  if (cursor.pass === null) {
    const today = ctx.now().toISOString().slice(0, 10);
    const bounds = source.bounds(stored.mode, cursor.watermark, today);
    cursor = { ...cursor, pass: runId, page: 0, phase: 'records', ...bounds };
  }
  return { ref, provider: access.provider.key, mode: stored.mode, source, lease, cursor, signal };
}

/**
 * Executes a claimed run to its end: pages from the committed cursor (each forwarded, then
 * committed with its cursor), deletions in full mode, then completed. A provider or forwarding
 * failure fails the run (the next run carries on from the cursor); a lost lease or a shutdown
 * stops it without writing, and a shutdown hands the lease back so another replica resumes at once.
 */
export async function runSync(deps: RunSyncDeps, claimed: ClaimedRun, shutdown: AbortSignal): Promise<RunOutcome> {
  const { ctx, log } = deps;
  const held = holdLease(ctx, claimed, deps.leaseMs, log);
  const { lease } = held;
  const signal = AbortSignal.any([shutdown, held.lost]);
  let ref: RunRef | undefined;
  try {
    const loaded = await load(claimed, deps);
    ref = loaded.ref;
    const run = await prepare(loaded, deps, lease, signal);
    if (claimed.resumed) await announceResume(run, deps);
    if (run.cursor.phase === 'records') await ingestPages(run, deps);
    if (run.cursor.phase === 'deletions') await detectDeletions(run, deps);
    await finish(run, deps, null);
    return 'completed';
  } catch (error) {
    const interrupted = await held.interrupted(error, shutdown);
    if (interrupted) return interrupted;
    log.warn({ err: error, runId: claimed.runId, syncId: claimed.syncId }, 'sync run failed');
    // Without its sync (deleted meanwhile, or unreadable now) the run cannot be ended here: its
    // lease runs out and the sweeper takes it again.
    if (ref === undefined) return 'lost';
    return finishFailed({ ref, lease, cursor: NO_PASS }, deps, describe(error));
  } finally {
    held.stop();
  }
}

async function finishFailed(
  run: Pick<ActiveRun, 'ref' | 'lease' | 'cursor'>,
  deps: RunSyncDeps,
  error: string,
): Promise<RunOutcome> {
  try {
    await finish(run, deps, error);
    return 'failed';
  } catch (failure) {
    if (failure instanceof LeaseLostError) return 'lost';
    throw failure;
  }
}

/** A run taken over says so (sync_started with trigger resume), in a commit that extends its lease. */
async function announceResume(run: ActiveRun, deps: RunSyncDeps): Promise<void> {
  const { ctx } = deps;
  await run.lease.exclusive(async (heldLease, nextLease) => {
    const held = await tenantTransaction(ctx, run.ref.tenantId, async (client, publish) => {
      const { rowCount } = await client.query(
        `UPDATE integration.sync_runs SET lease_until = $3 WHERE id = $1 AND status = 'running' AND lease_until = $2`,
        [run.ref.runId, heldLease, nextLease],
      );
      if (rowCount !== 1) return false;
      await publish([syncStarted(run.ref, run.mode, 'resume', SYNC_ACTOR, ctx.now)]);
      return true;
    });
    return { held, value: undefined };
  });
}
