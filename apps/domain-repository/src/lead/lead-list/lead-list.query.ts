import type pg from 'pg';
import { z } from 'zod';
import { projectionViews } from '@bizosaas/event-store';
import { EVENT_STORE_SCHEMA } from '../../write-side/write-side.ts';
import { LeadSource, LeadStatus } from '../lead-values.ts';
import { leadListProjection } from './lead-list.projection.ts';
import { withTransaction } from '@bizosaas/db';

export const leadListQuery = z.strictObject({
  status: LeadStatus.optional(),
  source: LeadSource.optional(),
  /** `true`: only leads in nurturing; `false`: only those not in nurturing. */
  nurturing: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const leadListItem = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  source: LeadSource,
  status: LeadStatus,
  totalScore: z.number().nullable(),
  customerId: z.uuid().nullable(),
  nurturing: z.boolean(),
  nurturingSince: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const leadListPage = z.object({
  items: z.array(leadListItem),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

const { lead_list: table } = projectionViews(EVENT_STORE_SCHEMA, leadListProjection);

/** Newest first; RLS on the projection table limits rows to the caller's tenant. */
export async function listLeads(
  pool: pg.Pool,
  tenantId: string,
  query: z.output<typeof leadListQuery>,
): Promise<z.infer<typeof leadListPage>> {
  return withTransaction(
    pool,
    async (client) => {
      const where = `WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR source = $2)
        AND ($3::boolean IS NULL OR (nurturing_since IS NOT NULL) = $3)`;
      const params = [query.status ?? null, query.source ?? null, query.nurturing ?? null];
      const [rows, count] = await Promise.all([
        client.query(
          `SELECT lead_id AS id, email, first_name AS "firstName", last_name AS "lastName", company, source, status,
                total_score::float8 AS "totalScore", customer_id AS "customerId",
                nurturing_since IS NOT NULL AS nurturing, to_char(nurturing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "nurturingSince", version,
                to_json(created_at)#>>'{}' AS "createdAt", to_json(updated_at)#>>'{}' AS "updatedAt"
           FROM ${table} ${where} ORDER BY created_at DESC, lead_id LIMIT $4 OFFSET $5`,
          [...params, query.limit, query.offset],
        ),
        client.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${table} ${where}`, params),
      ]);
      return { items: rows.rows, total: count.rows[0]?.total ?? 0, limit: query.limit, offset: query.offset };
    },
    { tenantId },
  );
}
