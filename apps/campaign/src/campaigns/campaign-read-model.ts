import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';

/** A campaign as its events describe it (what the workers and routes of this service read). */
export interface CampaignRow {
  campaignId: string;
  name: string;
  status: 'draft' | 'scheduled' | 'active' | 'paused' | 'completed';
  channels: string[];
  totalBudget: string;
  dailyBudget: string | null;
  currency: string;
  startDate: Date;
  endDate: Date | null;
  optimizationGoal: string | null;
  launchedAt: Date | null;
  version: number;
}

const CREATE = `INSERT INTO campaigns (tenant_id, campaign_id, name, campaign_type, status, channels,
  total_budget, daily_budget, currency, start_date, end_date, version, updated_at)
VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (tenant_id, campaign_id) DO NOTHING`;

// Each change applies only over an older version: a stream's events arrive in order, but a
// redelivery after a later event must not roll the row back.
const change = (set: string) =>
  `UPDATE campaigns SET ${set}, version = $3, updated_at = $4 WHERE tenant_id = $1 AND campaign_id = $2 AND version < $3`;

/** Applies one campaign.* event of domain-repository to the read model (inside the inbox transaction). */
export async function applyCampaignEvent(client: pg.ClientBase, event: DomainEvent): Promise<void> {
  const key = [event.tenantId, event.aggregateId, event.aggregateVersion, event.occurredAt];
  switch (event.type) {
    case 'campaign.created': {
      const { name, campaignType, channels, budget, schedule } = event.data;
      await client.query(CREATE, [
        event.tenantId,
        event.aggregateId,
        name,
        campaignType,
        channels,
        budget.totalBudget,
        budget.dailyBudget,
        budget.currency,
        schedule.startDate,
        schedule.endDate,
        event.aggregateVersion,
        event.occurredAt,
      ]);
      return;
    }
    case 'campaign.scheduled':
      await client.query(change(`status = 'scheduled', start_date = $5, end_date = $6`), [
        ...key,
        event.data.schedule.startDate,
        event.data.schedule.endDate,
      ]);
      return;
    case 'campaign.launched':
      await client.query(change(`status = 'active', channels = $5, launched_at = $4`), [...key, event.data.channels]);
      return;
    case 'campaign.paused':
      await client.query(change(`status = 'paused'`), key);
      return;
    case 'campaign.resumed':
      await client.query(change(`status = 'active'`), key);
      return;
    case 'campaign.completed':
      await client.query(change(`status = 'completed'`), key);
      return;
    case 'campaign.budget_updated': {
      const { totalBudget, dailyBudget, currency } = event.data.budget;
      await client.query(change(`total_budget = $5, daily_budget = $6, currency = $7`), [
        ...key,
        totalBudget,
        dailyBudget,
        currency,
      ]);
      return;
    }
    case 'campaign.optimized':
      await client.query(change(`optimization_goal = $5`), [...key, event.data.optimizationGoal]);
      return;
    default:
      return;
  }
}

const SELECT = `SELECT campaign_id AS "campaignId", name, status, channels, total_budget::text AS "totalBudget",
  daily_budget::text AS "dailyBudget", currency, start_date AS "startDate", end_date AS "endDate",
  optimization_goal AS "optimizationGoal", launched_at AS "launchedAt", version
FROM campaigns WHERE tenant_id = $1 AND campaign_id = $2`;

/** The campaign as this service last heard of it; undefined before its campaign.created arrived. */
export async function findCampaign(
  client: pg.ClientBase | pg.Pool,
  tenantId: string,
  campaignId: string,
): Promise<CampaignRow | undefined> {
  const { rows } = await client.query<CampaignRow>(SELECT, [tenantId, campaignId]);
  return rows[0];
}
