import type pg from 'pg';
import { z } from 'zod';
import { projectionViews } from '@bizosaas/event-store';
import { EVENT_STORE_SCHEMA } from '../../write-side/write-side.ts';
import { CustomerTier } from '../customer-values.ts';
import { customerListProjection } from './customer-list.projection.ts';
import { withTransaction } from '@bizosaas/db';

export const atRiskQuery = z.strictObject({
  /** Lowest churn risk to include (0-100). */
  minChurnRisk: z.coerce.number().int().min(0).max(100).default(70),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const atRiskItem = z.object({
  id: z.uuid(),
  email: z.string(),
  companyName: z.string().nullable(),
  tier: CustomerTier,
  currency: z.string(),
  totalRevenue: z.string().describe('decimal string'),
  purchaseCount: z.number().int(),
  lastPurchaseAt: z.string().nullable(),
  churnRisk: z.number().int(),
  version: z.number().int(),
});
export const atRiskPage = z.object({ items: z.array(atRiskItem), limit: z.number().int(), offset: z.number().int() });

const { customer_list: table } = projectionViews(EVENT_STORE_SCHEMA, customerListProjection);

/** Highest risk first (ties by id, so pages are stable); RLS limits rows to the caller's tenant. */
export async function listAtRiskCustomers(
  pool: pg.Pool,
  tenantId: string,
  query: z.output<typeof atRiskQuery>,
): Promise<z.infer<typeof atRiskPage>> {
  const { rows } = await withTransaction(
    pool,
    (client) =>
      client.query<z.infer<typeof atRiskItem>>(
        `SELECT customer_id AS id, email, company_name AS "companyName", tier, currency,
              to_char(total_revenue, 'FM999999999999999990.00') AS "totalRevenue", purchase_count AS "purchaseCount",
              to_json(last_purchase_at)#>>'{}' AS "lastPurchaseAt", churn_risk AS "churnRisk", version
         FROM ${table} WHERE churn_risk >= $1 ORDER BY churn_risk DESC, customer_id LIMIT $2 OFFSET $3`,
        [query.minChurnRisk, query.limit, query.offset],
      ),
    { tenantId },
  );
  return { items: rows, limit: query.limit, offset: query.offset };
}
