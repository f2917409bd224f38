import type pg from 'pg';
import { z } from 'zod';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { findCampaign } from '../campaigns/campaign-read-model.ts';
import { optimizationChanges, optimizationGoal } from './chain-steps.ts';
import { kpiCounts, type KpiCounts } from './kpi-counts.ts';
import { effectOf, effectView, kpisOf, kpisView, type KpisView } from './kpi-view.ts';

const status = z.enum(['requested', 'suggested', 'applied', 'failed']);

export const optimisationsQuery = z.strictObject({
  status: status.optional().describe('Only the chains at this step'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type OptimisationsQuery = z.output<typeof optimisationsQuery>;

export const optimisationView = z.strictObject({
  analysisId: z.uuid(),
  correlationId: z.uuid().describe('Shared by the analysis request, its result and the change'),
  status: status.describe('applied, else suggested, else failed, else requested: how far the chain got'),
  goal: optimizationGoal.nullable(),
  suggestedAt: z.iso.datetime().nullable(),
  changes: optimizationChanges.describe('What the analysis suggested (the applied changes until its result arrives)'),
  expectedImprovementPercent: z.number().nullable(),
  notAppliedReason: z.string().nullable().describe('Why the suggestion was not applied (proposed only, refused, ...)'),
  appliedAt: z.iso.datetime().nullable().describe('When campaign.optimized named the analysis; null if not applied'),
  appliedChanges: optimizationChanges.nullable(),
  kpisAtChange: kpisView.nullable().describe("The campaign's KPIs at the change; null if not applied"),
  kpisNow: kpisView,
  effect: effectView.nullable().describe('kpisNow minus kpisAtChange; null if not applied'),
  events: z.strictObject({
    analysisRequested: z.uuid().nullable(),
    analysisCompleted: z.uuid().nullable(),
    analysisFailed: z.uuid().nullable(),
    campaignOptimized: z.uuid().nullable(),
  }),
});
export type OptimisationView = z.output<typeof optimisationView>;

export const optimisationsView = z.strictObject({
  campaignId: z.uuid(),
  optimizations: z.array(optimisationView).describe('Newest first'),
});

interface ChainRow {
  analysisId: string;
  correlationId: string;
  status: OptimisationView['status'];
  goal: OptimisationView['goal'];
  suggestedAt: Date | null;
  suggestedChanges: OptimisationView['changes'] | null;
  expectedImprovementPercent: string | null;
  notAppliedReason: string | null;
  appliedAt: Date | null;
  appliedChanges: OptimisationView['changes'] | null;
  kpisAtChange: KpiCounts | null;
  requested: string | null;
  completed: string | null;
  failed: string | null;
  optimized: string | null;
}

const SELECT = `SELECT * FROM (
  SELECT analysis_id AS "analysisId", correlation_id AS "correlationId",
    CASE WHEN applied_at IS NOT NULL THEN 'applied' WHEN suggested_at IS NOT NULL THEN 'suggested'
         WHEN failed_at IS NOT NULL THEN 'failed' ELSE 'requested' END AS status,
    goal, suggested_at AS "suggestedAt", suggested_changes AS "suggestedChanges",
    expected_improvement_percent::text AS "expectedImprovementPercent", not_applied_reason AS "notAppliedReason",
    applied_at AS "appliedAt", applied_changes AS "appliedChanges", kpis_at_change AS "kpisAtChange",
    requested_event_id AS requested, completed_event_id AS completed, failed_event_id AS failed,
    optimized_event_id AS optimized,
    coalesce(requested_at, suggested_at, applied_at, failed_at) AS since
  FROM optimisations WHERE tenant_id = $1 AND campaign_id = $2) c
WHERE $3::text IS NULL OR status = $3
ORDER BY since DESC, "analysisId" DESC LIMIT $4`;

/** The campaign's optimisation chains, newest first, each with the campaign's KPIs now; 404 for an unknown campaign. */
export async function listOptimisations(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  query: OptimisationsQuery,
): Promise<z.output<typeof optimisationsView>> {
  if (!(await findCampaign(client, tenantId, campaignId)))
    throw new NotFoundError(`Campaign ${campaignId} was not found`, { campaignId });
  const { rows } = await client.query<ChainRow>(SELECT, [tenantId, campaignId, query.status ?? null, query.limit]);
  const now = kpisOf(await kpiCounts(client, tenantId, campaignId, null));
  return { campaignId, optimizations: rows.map((row) => viewOf(row, now)) };
}

function viewOf(row: ChainRow, now: KpisView): OptimisationView {
  const atChange = row.kpisAtChange && kpisOf(row.kpisAtChange);
  return {
    analysisId: row.analysisId,
    correlationId: row.correlationId,
    status: row.status,
    goal: row.goal,
    suggestedAt: row.suggestedAt?.toISOString() ?? null,
    changes: row.suggestedChanges ?? row.appliedChanges ?? [],
    expectedImprovementPercent: row.expectedImprovementPercent === null ? null : Number(row.expectedImprovementPercent),
    notAppliedReason: row.notAppliedReason,
    appliedAt: row.appliedAt?.toISOString() ?? null,
    appliedChanges: row.appliedChanges,
    kpisAtChange: atChange,
    kpisNow: now,
    effect: atChange && effectOf(atChange, now),
    events: {
      analysisRequested: row.requested,
      analysisCompleted: row.completed,
      analysisFailed: row.failed,
      campaignOptimized: row.optimized,
    },
  };
}
