import type pg from 'pg';
import type { LedgerTotals, SpendRecorded } from './pacing.ts';

/**
 * Locks the campaign's budget row (made on its first entry) until the transaction ends, so the
 * entries of one campaign are decided one at a time; answers the campaign_budget stream's version.
 */
export async function lockBudget(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<number> {
  await client.query(
    'INSERT INTO spend_budgets (tenant_id, campaign_id) VALUES ($1, $2) ON CONFLICT (tenant_id, campaign_id) DO NOTHING',
    [tenantId, campaignId],
  );
  const { rows } = await client.query<{ version: number }>(
    'SELECT version FROM spend_budgets WHERE tenant_id = $1 AND campaign_id = $2 FOR UPDATE',
    [tenantId, campaignId],
  );
  return rows[0]!.version;
}

export async function saveBudgetVersion(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  version: number,
): Promise<void> {
  await client.query('UPDATE spend_budgets SET version = $3 WHERE tenant_id = $1 AND campaign_id = $2', [
    tenantId,
    campaignId,
    version,
  ]);
}

/** The ledger's sums for the day and the calendar month of `date`, and overall. */
export async function ledgerTotals(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  date: string,
): Promise<LedgerTotals> {
  const { rows } = await client.query<LedgerTotals>(
    `SELECT COALESCE(sum(amount) FILTER (WHERE spend_date = $3::date), 0)::text AS day,
       COALESCE(sum(amount) FILTER (WHERE date_trunc('month', spend_date) = date_trunc('month', $3::date)), 0)::text AS month,
       COALESCE(sum(amount), 0)::text AS total
     FROM spend_entries WHERE tenant_id = $1 AND campaign_id = $2`,
    [tenantId, campaignId, date],
  );
  return rows[0]!;
}

/** The amount an ad platform's (external campaign, day) entry holds now; undefined before its first sync. */
export async function syncedAmount(
  client: pg.ClientBase,
  tenantId: string,
  entryId: string,
): Promise<string | undefined> {
  const { rows } = await client.query<{ amount: string }>(
    'SELECT amount::text AS amount FROM spend_entries WHERE tenant_id = $1 AND entry_id = $2',
    [tenantId, entryId],
  );
  return rows[0]?.amount;
}

/** Writes the entry as the event states it: a new line, or a re-synced day's new amount. */
export async function saveEntry(
  client: pg.ClientBase,
  tenantId: string,
  entry: SpendRecorded,
  at: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO spend_entries (tenant_id, campaign_id, entry_id, spend_date, amount, currency, source, provider,
       external_campaign_id, recorded_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
     ON CONFLICT (tenant_id, entry_id) DO UPDATE SET amount = EXCLUDED.amount, updated_at = EXCLUDED.updated_at`,
    [
      tenantId,
      entry.campaignId,
      entry.entryId,
      entry.date,
      entry.amount,
      entry.currency,
      entry.source,
      entry.adCampaign?.provider ?? null,
      entry.adCampaign?.externalCampaignId ?? null,
      at,
    ],
  );
}

export interface EntryView {
  entryId: string;
  campaignId: string;
  date: string;
  amount: string;
  currency: string;
  source: 'manual' | 'ad_metrics';
  recordedAt: string;
}

/** One entry of the campaign's ledger, as the spend route answers it. */
export async function findEntry(
  client: pg.ClientBase,
  tenantId: string,
  entryId: string,
): Promise<EntryView | undefined> {
  const { rows } = await client.query<EntryView>(
    `SELECT entry_id AS "entryId", campaign_id AS "campaignId", to_char(spend_date, 'YYYY-MM-DD') AS date,
       amount::text AS amount, currency, source, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt"
     FROM spend_entries WHERE tenant_id = $1 AND entry_id = $2`,
    [tenantId, entryId],
  );
  return rows[0];
}
