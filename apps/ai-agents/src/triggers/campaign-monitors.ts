import type { FastifyBaseLogger } from 'fastify';
import { withTransaction } from '@bizosaas/db';
import { AppError } from '@bizosaas/ddd-kernel';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { createAnalysis } from '../analyses/create-analysis.ts';
import type { TenantSettingsSource } from '../analyses/tenant-agent-settings.ts';
import type { AgentsContext } from '../context.ts';
import type { CrewRegistry } from '../crews/crew-registry.ts';
import { RUNNER_ACTOR } from '../runs/run-events.ts';

/** The campaign events that start, pause and end the watch of a campaign. */
const WATCH = new Set(['campaign.launched', 'campaign.resumed']);
const UNWATCH = new Set(['campaign.paused', 'campaign.completed']);

export const isMonitorEvent = (event: DomainEvent) => WATCH.has(event.type) || UNWATCH.has(event.type);

/**
 * A launched or resumed campaign is watched from the event's time on (its first optimisation at
 * once); a paused or completed one is not. Events of one campaign arrive in order on its stream, so
 * the last one decides.
 */
export async function applyMonitorEvent(ctx: AgentsContext, event: DomainEvent): Promise<void> {
  await withTransaction(
    ctx.pool,
    (client) =>
      client.query(
        `INSERT INTO ai_agents.campaign_monitors AS m
           (tenant_id, campaign_id, run_group, active, next_run_at, correlation_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $5)
         ON CONFLICT (tenant_id, campaign_id) DO UPDATE
           SET active = EXCLUDED.active, next_run_at = EXCLUDED.next_run_at,
               correlation_id = EXCLUDED.correlation_id, updated_at = EXCLUDED.updated_at`,
        [
          event.tenantId,
          event.aggregateId,
          ctx.config.RUN_GROUP,
          WATCH.has(event.type),
          new Date(event.occurredAt),
          event.correlationId,
        ],
      ),
    { tenantId: event.tenantId },
  );
}

// Due monitors of this deployment, oldest first; the next run is set in the same statement, so
// replicas never start the same round twice (SKIP LOCKED).
const CLAIM_DUE = `UPDATE ai_agents.campaign_monitors m
    SET next_run_at = now() + make_interval(secs => $2::double precision / 1000), runs = runs + 1, updated_at = now()
  WHERE (tenant_id, campaign_id) IN (
    SELECT tenant_id, campaign_id FROM ai_agents.campaign_monitors
     WHERE run_group = $1 AND active AND next_run_at <= now()
     ORDER BY next_run_at LIMIT 20 FOR UPDATE SKIP LOCKED)
  RETURNING tenant_id, campaign_id, runs, correlation_id`;

export interface MonitorDeps {
  crews: CrewRegistry;
  settings: TenantSettingsSource;
  wakeRunner: () => void;
}

/**
 * One round of the watched campaigns that are due: a campaign_optimization analysis each (applying
 * within the tenant's guardrails), idempotent by campaign and round. A tenant without an LLM, or
 * past its quota, skips the round (logged); its campaign stays watched.
 */
export async function runDueMonitors(ctx: AgentsContext, deps: MonitorDeps, log: FastifyBaseLogger): Promise<number> {
  if (ctx.config.CAMPAIGN_MONITOR_INTERVAL_MS === 0) return 0;
  const { rows } = await ctx.worker.query<{
    tenant_id: string;
    campaign_id: string;
    runs: number;
    correlation_id: string;
  }>(CLAIM_DUE, [ctx.config.RUN_GROUP, ctx.config.CAMPAIGN_MONITOR_INTERVAL_MS]);
  let created = 0;
  for (const due of rows) {
    const settings = await deps.settings(due.tenant_id);
    const request = {
      analysisType: 'campaign_optimization' as const,
      subject: { campaignId: due.campaign_id },
      options: { apply: 'auto' },
      priority: 'normal' as const,
    };
    try {
      const result = await createAnalysis(
        ctx,
        deps.crews.get('campaign_optimization'),
        request,
        {
          tenantId: due.tenant_id,
          actor: RUNNER_ACTOR,
          requestedBy: null,
          correlationId: due.correlation_id,
          causationId: null,
          idempotencyKey: `monitor:${due.campaign_id}:${due.runs}`,
        },
        { monthlyTokenQuota: settings.monthlyTokenQuota, llmConfigured: settings.llm !== null },
      );
      if (result.created) created += 1;
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      log.info({ campaignId: due.campaign_id, code: error.code }, 'campaign monitor round skipped');
    }
  }
  if (created > 0) deps.wakeRunner();
  return created;
}
