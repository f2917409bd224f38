import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { withTransaction } from '@bizosaas/db';
import type { IntegrationContext } from '../context.ts';
import type { ClaimedRun } from './start-run.ts';

/** Another replica took the run over (its lease had expired), or the run or its sync is gone. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`run ${runId} is no longer held by this replica`);
  }
}

/**
 * A run's lease: `lease_until` of its row, extended by every page commit and by a heartbeat. The
 * value this replica last wrote is its fencing token: every write of the run's progress requires
 * the row to still hold it, so a replica whose lease expired and was taken over writes nothing more.
 * Extensions are serialised: two concurrent ones would each see the other's value and fail.
 */
export class RunLease {
  private current: Date;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: Pick<IntegrationContext, 'pool' | 'now'>,
    readonly tenantId: string,
    readonly runId: string,
    held: Date,
    private readonly leaseMs: number,
  ) {
    this.current = held;
  }

  get held(): Date {
    return this.current;
  }

  /**
   * Runs `write` alone, with the held lease and the next one; `write` returns whether the row
   * still held the lease (then the next one is held) and throws LeaseLostError otherwise.
   */
  exclusive<T>(
    write: (held: Date, next: Date) => Promise<{ held: boolean; value: T }>,
    until?: () => Date,
  ): Promise<T> {
    const run = this.queue.then(async () => {
      const next = until?.() ?? new Date(this.ctx.now().getTime() + this.leaseMs);
      const { held, value } = await write(this.current, next);
      if (!held) throw new LeaseLostError(this.runId);
      this.current = next;
      return value;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Extends the lease on its own (the heartbeat, between page commits). */
  extend(): Promise<void> {
    return this.exclusive(async (held, next) => ({
      held: await withTransaction(this.ctx.pool, (client) => this.cas(client, held, next), { tenantId: this.tenantId }),
      value: undefined,
    }));
  }

  /** Hands the run back on shutdown: its lease ends now, and another replica's sweeper resumes it. */
  release(): Promise<void> {
    return this.exclusive(
      async (held, now) => ({
        held: await withTransaction(this.ctx.pool, (client) => this.cas(client, held, now), {
          tenantId: this.tenantId,
        }),
        value: undefined,
      }),
      this.ctx.now,
    );
  }

  private async cas(client: pg.ClientBase, held: Date, next: Date): Promise<boolean> {
    const { rowCount } = await client.query(
      `UPDATE integration.sync_runs SET lease_until = $3 WHERE id = $1 AND status = 'running' AND lease_until = $2`,
      [this.runId, held, next],
    );
    return rowCount === 1;
  }
}

/**
 * Holds a claimed run's lease while it executes (a pass or a replay): a heartbeat extends it every
 * third of its length; `lost` aborts once another replica took the run over. `stop()` ends the heartbeat.
 */
export function holdLease(
  ctx: Pick<IntegrationContext, 'pool' | 'now'>,
  claimed: ClaimedRun,
  leaseMs: number,
  log: FastifyBaseLogger,
) {
  const lease = new RunLease(ctx, claimed.tenantId, claimed.runId, claimed.leaseUntil, leaseMs);
  const lost = new AbortController();
  const heartbeat = setInterval(() => {
    lease.extend().catch((error: unknown) => {
      if (error instanceof LeaseLostError) lost.abort(error);
      else log.warn({ err: error, runId: claimed.runId }, 'run lease not extended');
    });
  }, leaseMs / 3);
  heartbeat.unref();
  return {
    lease,
    lost: lost.signal,
    stop: () => clearInterval(heartbeat),
    /**
     * What an error that ended the run means before it counts as a failure: `lost` when another
     * replica took the run over, `stopped` on shutdown (the lease handed back, so another replica
     * resumes at once), undefined for a failure of the run itself.
     */
    async interrupted(error: unknown, shutdown: AbortSignal): Promise<'lost' | 'stopped' | undefined> {
      if (error instanceof LeaseLostError || lost.signal.aborted) return 'lost';
      if (!shutdown.aborted) return undefined;
      await lease.release().catch(() => undefined);
      return 'stopped';
    },
  };
}
