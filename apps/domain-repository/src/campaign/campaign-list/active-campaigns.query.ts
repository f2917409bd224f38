import type pg from 'pg';
import { z } from 'zod';
import { projectionViews } from '@bizosaas/event-store';
import { EVENT_STORE_SCHEMA } from '../../write-side/write-side.ts';
import { CampaignChannels, CampaignObjective, CampaignType, OptimizationGoal } from '../campaign-values.ts';
import { campaignListProjection } from './campaign-list.projection.ts';
import { withTransaction } from '@bizosaas/db';

export const activeCampaignsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const activeCampaign = z.object({
  id: z.uuid(),
  name: z.string(),
  campaignType: CampaignType,
  objective: CampaignObjective,
  channels: CampaignChannels,
  budget: z
    .object({ totalBudget: z.string(), dailyBudget: z.string().nullable(), currency: z.string() })
    .describe('decimal strings'),
  schedule: z.object({ startDate: z.string(), endDate: z.string().nullable() }),
  optimizationGoal: OptimizationGoal.nullable(),
  launchedAt: z.string(),
  version: z.number().int(),
});
export const activeCampaignsPage = z.object({
  items: z.array(activeCampaign),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type ActiveCampaignsPage = z.infer<typeof activeCampaignsPage>;

/** The instant as the events write it ("2025-03-31T00:00:00.000Z"); numeric keeps the scale it was given, so amounts read back as written. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const { campaign_list: table } = projectionViews(EVENT_STORE_SCHEMA, campaignListProjection);

/** Live campaigns, most recently launched first; RLS on the projection limits rows to the caller's tenant. */
export async function listActiveCampaigns(
  pool: pg.Pool,
  tenantId: string,
  query: z.output<typeof activeCampaignsQuery>,
): Promise<ActiveCampaignsPage> {
  return withTransaction(
    pool,
    async (client) => {
      const [rows, count] = await Promise.all([
        client.query(
          `SELECT campaign_id AS id, name, campaign_type AS "campaignType", objective, channels,
                json_build_object('totalBudget', total_budget::text, 'dailyBudget', daily_budget::text, 'currency', currency) AS budget,
                json_build_object('startDate', ${iso('start_date')}, 'endDate', ${iso('end_date')}) AS schedule,
                optimization_goal AS "optimizationGoal", ${iso('launched_at')} AS "launchedAt", version
           FROM ${table} WHERE status = 'active' ORDER BY launched_at DESC, campaign_id LIMIT $1 OFFSET $2`,
          [query.limit, query.offset],
        ),
        client.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${table} WHERE status = 'active'`),
      ]);
      return { items: rows.rows, total: count.rows[0]?.total ?? 0, limit: query.limit, offset: query.offset };
    },
    { tenantId },
  );
}
