import type pg from 'pg';
import type { LedgerSummary } from './projected-spend.ts';

/** The campaign's spend ledger in one row (spend/spend-ledger.ts writes it); null when it has no entry. */
export async function ledgerSummary(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
): Promise<LedgerSummary | null> {
  const { rows } = await client.query<{ total: string | null; firstDay: string | null; lastDay: string | null }>(
    `SELECT sum(amount)::text AS total, to_char(min(spend_date), 'YYYY-MM-DD') AS "firstDay",
       to_char(max(spend_date), 'YYYY-MM-DD') AS "lastDay"
     FROM spend_entries WHERE tenant_id = $1 AND campaign_id = $2`,
    [tenantId, campaignId],
  );
  const { total, firstDay, lastDay } = rows[0]!;
  return total === null || firstDay === null || lastDay === null ? null : { total, firstDay, lastDay };
}
