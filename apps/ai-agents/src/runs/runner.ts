import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { ANALYSIS_COLUMNS, toAnalysis, type AnalysisRecord, type AnalysisRow } from '../analyses/analysis-record.ts';
import { decideApproval } from '../approvals/decide-approval.ts';
import type { AgentsContext } from '../context.ts';
import { executeRun, type ExecutorDeps, type RunEnd } from './executor.ts';

export interface Runner {
  start(): void;
  /** Look for work now (a new analysis, a decided approval). */
  wake(): void;
  /** Stops claiming, hands running runs back to the queue and waits for them to let go. */
  stop(): Promise<void>;
  /** Runs in hand (tests and metrics). */
  readonly running: number;
}

// Claims queued runs and runs whose owner's lease ran out (its replica died: the reaper), oldest
// first, as the worker role across tenants; SKIP LOCKED lets replicas claim side by side.
const CLAIM = `UPDATE ai_agents.analyses a
    SET status = 'running', owner = $1, lease_until = now() + make_interval(secs => $2::double precision / 1000),
        attempts = attempts + 1, started_at = COALESCE(started_at, now()), updated_at = now()
  WHERE a.id IN (
    SELECT id FROM ai_agents.analyses
     WHERE run_group = $4 AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
     ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
  RETURNING ${ANALYSIS_COLUMNS}`;

const RENEW = `UPDATE ai_agents.analyses SET lease_until = now() + make_interval(secs => $2::double precision / 1000)
  WHERE owner = $1 AND status = 'running' AND id = ANY($3::uuid[])`;

const EXPIRED_APPROVALS = `SELECT id, tenant_id FROM ai_agents.approvals
  WHERE status = 'pending' AND expires_at < now() ORDER BY expires_at LIMIT 50`;

/**
 * Runs analyses on this replica: up to RUN_CONCURRENCY at once, each renewing its lease with
 * every step and all of them together every third of a lease. A replica that dies stops renewing;
 * once its leases run out another replica claims those runs and resumes each from its journal.
 */
export function createRunner(
  ctx: AgentsContext,
  deps: Omit<ExecutorDeps, 'ctx' | 'owner' | 'signal'>,
  log: FastifyBaseLogger,
): Runner {
  const { config } = ctx;
  // Unique to this process: a restarted replica of the same name never mistakes its previous
  // life's runs for its own (they are taken over once their leases run out).
  const owner = `${config.CONSUMER_NAME}/${randomUUID().slice(0, 8)}`;
  const inHand = new Map<string, Promise<RunEnd>>();
  const shutdown = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let again = false;

  const execute = (analysis: AnalysisRecord) => {
    const run = executeRun(analysis, { ...deps, ctx, owner, signal: shutdown.signal })
      .catch((error: unknown) => {
        log.error(
          { err: error, analysisId: analysis.id },
          'running an analysis failed; its lease will lapse and it resumes',
        );
        return 'lost' as const;
      })
      .finally(() => {
        inHand.delete(analysis.id);
        wake();
      });
    inHand.set(analysis.id, run);
  };

  async function poll(): Promise<void> {
    do {
      again = false;
      const free = config.RUN_CONCURRENCY - inHand.size;
      if (free <= 0 || shutdown.signal.aborted) return;
      const { rows } = await ctx.worker.query<AnalysisRow>({
        name: 'runner-claim',
        text: CLAIM,
        values: [owner, config.RUN_LEASE_MS, free, config.RUN_GROUP],
      });
      for (const row of rows) execute(toAnalysis(row));
      if (rows.length === free) again = true;
    } while (again);
  }

  function wake(): void {
    if (shutdown.signal.aborted) return;
    if (polling) {
      again = true;
      return;
    }
    polling = poll()
      .catch((error: unknown) => log.warn({ err: error }, 'claiming analyses failed; next try in one interval'))
      .finally(() => {
        polling = undefined;
      });
  }

  async function expireApprovals(): Promise<void> {
    const { rows } = await ctx.worker.query<{ id: string; tenant_id: string }>(EXPIRED_APPROVALS);
    for (const row of rows) {
      await decideApproval(ctx.pool, row.tenant_id, row.id, {
        approved: false,
        status: 'expired',
        decidedBy: null,
        note: null,
        now: ctx.now(),
      }).catch((error: unknown) => log.warn({ err: error, approvalId: row.id }, 'expiring an approval failed'));
    }
    if (rows.length > 0) wake();
  }

  return {
    start() {
      const tick = () => {
        wake();
        expireApprovals().catch((error: unknown) => log.warn({ err: error }, 'looking for expired approvals failed'));
      };
      timer = setInterval(tick, config.RUN_POLL_INTERVAL_MS);
      heartbeat = setInterval(
        () => {
          if (inHand.size === 0) return;
          ctx.worker
            .query({ name: 'runner-renew', text: RENEW, values: [owner, config.RUN_LEASE_MS, [...inHand.keys()]] })
            .catch((error: unknown) => log.warn({ err: error }, 'renewing run leases failed'));
        },
        Math.max(100, Math.floor(config.RUN_LEASE_MS / 3)),
      );
      tick();
    },
    wake,
    async stop() {
      clearInterval(timer);
      clearInterval(heartbeat);
      shutdown.abort();
      await polling;
      await Promise.allSettled([...inHand.values()]);
    },
    get running() {
      return inHand.size;
    },
  };
}
