import { runPeriodically, type PeriodicJob } from '@bizosaas/service-kit';
import { runReplay, type ReplayDeps } from './replay-run.ts';
import type { RunOutcome } from './run-sync.ts';
import { claimExpiredRuns, type ClaimedRun } from './start-run.ts';

export interface ReplayRunnerOptions {
  /** Replays this replica executes at once; the sweeper takes no more. */
  maxConcurrentReplays: number;
  /** How often expired replay leases are looked for. */
  tickIntervalMs: number;
}

/**
 * The replays this replica executes, and their sweeper: every tick it takes over replays whose
 * lease expired (a replica died or stopped mid-replay), which carry on from their cursor.
 */
export function createReplayRunner(deps: ReplayDeps, options: ReplayRunnerOptions) {
  const { ctx, log } = deps;
  const running = new Map<string, Promise<RunOutcome>>();
  const shutdown = new AbortController();
  let periodic: PeriodicJob | undefined;

  function execute(claimed: ClaimedRun): Promise<RunOutcome> {
    const known = running.get(claimed.runId);
    if (known) return known;
    const outcome = runReplay(deps, claimed, shutdown.signal)
      .catch((error: unknown) => {
        log.error({ err: error, runId: claimed.runId }, 'sync replay stopped on an error');
        return 'failed' as const;
      })
      .then((result) => {
        running.delete(claimed.runId);
        log.info({ runId: claimed.runId, syncId: claimed.syncId, outcome: result }, 'sync replay ended');
        return result;
      });
    running.set(claimed.runId, outcome);
    return outcome;
  }

  async function sweep(): Promise<void> {
    if (shutdown.signal.aborted) return;
    const free = options.maxConcurrentReplays - running.size;
    for (const claimed of await claimExpiredRuns(ctx.worker, ctx.now(), deps.leaseMs, free, 'replay'))
      void execute(claimed);
  }

  return {
    execute,
    sweep,
    /** The replay's outcome when this replica is executing it. */
    outcomeOf: (runId: string) => running.get(runId),
    start() {
      periodic = runPeriodically(sweep, {
        intervalMs: options.tickIntervalMs,
        onError: (error) => log.warn({ err: error }, 'sync replay sweep failed'),
      });
    },
    /** Stops taking replays and stops the ones going (each hands its lease back for another replica). */
    async stop() {
      shutdown.abort();
      await periodic?.stop();
      await Promise.allSettled(running.values());
    },
  };
}

export type ReplayRunner = ReturnType<typeof createReplayRunner>;
