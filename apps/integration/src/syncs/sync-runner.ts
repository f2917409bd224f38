import { runPeriodically, type PeriodicJob } from '@bizosaas/service-kit';
import { runSync, type RunOutcome, type RunSyncDeps } from './run-sync.ts';
import { claimExpiredRuns, dueSyncs, startRun, type ClaimedRun } from './start-run.ts';
import { SYNC_ACTOR } from './run-events.ts';

export interface SyncRunnerOptions {
  /** Runs this replica executes at once; the scheduler and the sweeper take no more. */
  maxConcurrentRuns: number;
  /** How often due schedules and expired leases are looked for. */
  tickIntervalMs: number;
}

/**
 * The runs this replica executes, and the scheduler: every tick it takes over runs whose lease
 * expired (a replica died mid-run: the resume from the checkpoint) and starts syncs whose schedule
 * is due, within its share of concurrent runs.
 */
export function createSyncRunner(deps: RunSyncDeps, options: SyncRunnerOptions) {
  const { ctx, log } = deps;
  const running = new Map<string, Promise<RunOutcome>>();
  const shutdown = new AbortController();
  let periodic: PeriodicJob | undefined;
  const free = () => options.maxConcurrentRuns - running.size;

  function execute(claimed: ClaimedRun): Promise<RunOutcome> {
    const known = running.get(claimed.runId);
    if (known) return known;
    const outcome = runSync(deps, claimed, shutdown.signal)
      .catch((error: unknown) => {
        log.error({ err: error, runId: claimed.runId }, 'sync run stopped on an error');
        return 'failed' as const;
      })
      .then((result) => {
        running.delete(claimed.runId);
        log.info({ runId: claimed.runId, syncId: claimed.syncId, outcome: result }, 'sync run ended');
        return result;
      });
    running.set(claimed.runId, outcome);
    return outcome;
  }

  /** Takes over runs whose lease expired: the resume after a replica died or stopped mid-run. */
  async function sweep(): Promise<void> {
    if (shutdown.signal.aborted) return;
    for (const claimed of await claimExpiredRuns(ctx.worker, ctx.now(), deps.leaseMs, free())) void execute(claimed);
  }

  /** Starts the syncs whose schedule is due. */
  async function startDue(): Promise<void> {
    for (const { tenantId, syncId } of await dueSyncs(ctx.worker, ctx.now())) {
      if (free() <= 0 || shutdown.signal.aborted) break;
      const claimed = await startRun(ctx, tenantId, syncId, {
        trigger: 'schedule',
        actor: SYNC_ACTOR,
        leaseMs: deps.leaseMs,
      }).catch((error: unknown) => {
        log.warn({ err: error, syncId }, 'scheduled sync not started');
        return null;
      });
      if (claimed) void execute(claimed);
    }
  }

  async function tick(): Promise<void> {
    await sweep();
    await startDue();
  }

  return {
    execute,
    sweep,
    startDue,
    /** The run's outcome when this replica is executing it. */
    outcomeOf: (runId: string) => running.get(runId),
    /** Ticks every tickIntervalMs: the sweep, then due schedules. */
    start() {
      periodic = runPeriodically(tick, {
        intervalMs: options.tickIntervalMs,
        onError: (error) => log.warn({ err: error }, 'sync scheduler tick failed'),
      });
    },
    /** Stops taking runs and stops the ones going (each hands its lease back for another replica). */
    async stop() {
      shutdown.abort();
      await periodic?.stop();
      await Promise.allSettled(running.values());
    },
  };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;
