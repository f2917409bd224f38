import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { defineProjection, type ProjectionTables } from '@bizosaas/event-store';
import { campaignEventTypes, type CampaignEventType } from '../campaign.ts';

type CampaignListEvent = Extract<DomainEvent, { type: CampaignEventType }>;

/**
 * One row per campaign with its status, budget and schedule; the active list reads the rows
 * whose status is 'active'. Updates are guarded by the aggregate version kept in the row, so
 * an event applied twice changes nothing.
 */
export const campaignListProjection = defineProjection<CampaignListEvent, 'campaign_list'>({
  name: 'dr_campaign_list',
  version: 1,
  tables: ['campaign_list'],
  handles: campaignEventTypes,
  ddl: (t) => `
    CREATE TABLE ${t.campaign_list} (
      campaign_id       uuid PRIMARY KEY,
      tenant_id         uuid NOT NULL,
      name              text NOT NULL,
      campaign_type     text NOT NULL,
      objective         text NOT NULL,
      channels          text[] NOT NULL,
      status            text NOT NULL,
      total_budget      numeric NOT NULL,
      daily_budget      numeric,
      currency          text NOT NULL,
      start_date        timestamptz NOT NULL,
      end_date          timestamptz,
      optimization_goal text,
      version           integer NOT NULL,
      launched_at       timestamptz,
      updated_at        timestamptz NOT NULL
    );
    CREATE INDEX ON ${t.campaign_list} (tenant_id, status, launched_at DESC, campaign_id);`,
  apply: applyCampaignEvent,
});

async function applyCampaignEvent(
  client: pg.ClientBase,
  event: CampaignListEvent,
  t: ProjectionTables<'campaign_list'>,
) {
  if (event.type === 'campaign.created') {
    const d = event.data;
    await client.query(
      `INSERT INTO ${t.campaign_list} (campaign_id, tenant_id, name, campaign_type, objective, channels, status, total_budget,
         daily_budget, currency, start_date, end_date, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (campaign_id) DO NOTHING`,
      [
        event.aggregateId,
        event.tenantId,
        d.name,
        d.campaignType,
        d.objective,
        d.channels,
        d.budget.totalBudget,
        d.budget.dailyBudget,
        d.budget.currency,
        d.schedule.startDate,
        d.schedule.endDate,
        event.aggregateVersion,
        event.occurredAt,
      ],
    );
    return;
  }
  const change = changeOf(event);
  // Each column keeps its value unless the event names a new one; end_date may become null, hence the flag.
  await client.query(
    `UPDATE ${t.campaign_list} SET status = COALESCE($2, status), total_budget = COALESCE($3, total_budget),
       daily_budget = CASE WHEN $3::numeric IS NULL THEN daily_budget ELSE $4 END, currency = COALESCE($5, currency),
       start_date = COALESCE($6, start_date), end_date = CASE WHEN $7 THEN $8 ELSE end_date END,
       optimization_goal = COALESCE($9, optimization_goal), launched_at = COALESCE($10, launched_at), version = $11, updated_at = $12
     WHERE campaign_id = $1 AND version < $11`,
    [
      event.aggregateId,
      change.status ?? null,
      change.budget?.totalBudget ?? null,
      change.budget?.dailyBudget ?? null,
      change.budget?.currency ?? null,
      change.schedule?.startDate ?? null,
      change.schedule !== undefined,
      change.schedule?.endDate ?? null,
      change.optimizationGoal ?? null,
      change.launchedAt ?? null,
      event.aggregateVersion,
      event.occurredAt,
    ],
  );
}

interface Change {
  status?: string;
  budget?: { totalBudget: string; dailyBudget: string | null; currency: string };
  schedule?: { startDate: string | null; endDate: string | null };
  optimizationGoal?: string;
  launchedAt?: string;
}

function changeOf(event: Exclude<CampaignListEvent, { type: 'campaign.created' }>): Change {
  switch (event.type) {
    case 'campaign.scheduled':
      return { status: 'scheduled', schedule: event.data.schedule };
    case 'campaign.launched':
      return {
        status: 'active',
        launchedAt: event.occurredAt,
        schedule: { startDate: null, endDate: event.data.scheduledEndDate },
      };
    case 'campaign.paused':
      return { status: 'paused' };
    case 'campaign.resumed':
      return { status: 'active' };
    case 'campaign.completed':
      return { status: 'completed' };
    case 'campaign.budget_updated':
      return { budget: event.data.budget };
    case 'campaign.optimized':
      return { optimizationGoal: event.data.optimizationGoal };
  }
}
