import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { chainStepOf, type ChainStep } from './chain-steps.ts';
import { kpiCounts } from './kpi-counts.ts';

// Each statement fills only its own step's columns and keeps what a first delivery wrote
// (coalesce): a replay under a new event id changes nothing, and the steps may arrive in any
// order (the analysis's stream and the campaign's are read apart).
const REQUESTED = `INSERT INTO optimisations AS o (tenant_id, analysis_id, campaign_id, correlation_id,
  requested_event_id, requested_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (tenant_id, analysis_id) DO UPDATE
  SET requested_event_id = coalesce(o.requested_event_id, EXCLUDED.requested_event_id),
      requested_at = coalesce(o.requested_at, EXCLUDED.requested_at), updated_at = greatest(o.updated_at, EXCLUDED.updated_at)`;

const SUGGESTED = `INSERT INTO optimisations AS o (tenant_id, analysis_id, campaign_id, correlation_id,
  completed_event_id, suggested_at, goal, suggested_changes, expected_improvement_percent, not_applied_reason, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $6)
ON CONFLICT (tenant_id, analysis_id) DO UPDATE
  SET completed_event_id = EXCLUDED.completed_event_id, suggested_at = EXCLUDED.suggested_at,
      goal = coalesce(o.goal, EXCLUDED.goal), suggested_changes = EXCLUDED.suggested_changes,
      expected_improvement_percent = coalesce(EXCLUDED.expected_improvement_percent, o.expected_improvement_percent),
      not_applied_reason = EXCLUDED.not_applied_reason, updated_at = greatest(o.updated_at, EXCLUDED.updated_at)
  WHERE o.completed_event_id IS NULL`;

// An analysis that failed has already been requested on the same stream (read in order).
const FAILED = `UPDATE optimisations SET failed_event_id = $3, failed_at = $4, error_code = $5, updated_at = greatest(updated_at, $4)
WHERE tenant_id = $1 AND analysis_id = $2 AND (failed_at IS NULL OR failed_at < $4)`;

const APPLIED = `INSERT INTO optimisations AS o (tenant_id, analysis_id, campaign_id, correlation_id,
  optimized_event_id, applied_at, goal, applied_changes, expected_improvement_percent, kpis_at_change, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $6)
ON CONFLICT (tenant_id, analysis_id) DO UPDATE
  SET optimized_event_id = EXCLUDED.optimized_event_id, applied_at = EXCLUDED.applied_at, goal = EXCLUDED.goal,
      applied_changes = EXCLUDED.applied_changes,
      expected_improvement_percent = coalesce(EXCLUDED.expected_improvement_percent, o.expected_improvement_percent),
      kpis_at_change = EXCLUDED.kpis_at_change, updated_at = greatest(o.updated_at, EXCLUDED.updated_at)
  WHERE o.optimized_event_id IS NULL`;

/**
 * Records an event's step of its optimisation chain (in the inbox transaction of the event's
 * tenant); an event that is no step records nothing. The first campaign.optimized naming an
 * analysis is its change, with the campaign's counts at the event's time.
 */
export async function recordChainStep(client: pg.ClientBase, event: DomainEvent): Promise<void> {
  const step = chainStepOf(event);
  if (step) await record(client, step);
}

async function record(client: pg.ClientBase, step: ChainStep): Promise<void> {
  const key = [step.tenantId, step.analysisId];
  switch (step.kind) {
    case 'requested':
      await client.query(REQUESTED, [...key, step.campaignId, step.correlationId, step.eventId, step.at]);
      return;
    case 'suggested':
      await client.query(SUGGESTED, [
        ...key,
        step.campaignId,
        step.correlationId,
        step.eventId,
        step.at,
        step.goal,
        JSON.stringify(step.changes),
        step.expectedImprovementPercent,
        step.notAppliedReason,
      ]);
      return;
    case 'failed':
      await client.query(FAILED, [...key, step.eventId, step.at, step.errorCode]);
      return;
    case 'applied':
      await recordChange(client, step);
  }
}

async function recordChange(client: pg.ClientBase, step: Extract<ChainStep, { kind: 'applied' }>): Promise<void> {
  const counts = await kpiCounts(client, step.tenantId, step.campaignId, step.at);
  await client.query(APPLIED, [
    step.tenantId,
    step.analysisId,
    step.campaignId,
    step.correlationId,
    step.eventId,
    step.at,
    step.goal,
    JSON.stringify(step.changes),
    step.expectedImprovementPercent,
    JSON.stringify(counts),
  ]);
}
