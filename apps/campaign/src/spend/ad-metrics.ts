import type pg from 'pg';
import { derivedId, type DomainEvent } from '@bizosaas/event-schemas';
import { findCampaign } from '../campaigns/campaign-read-model.ts';
import type { CampaignContext } from '../context.ts';
import { budgetOf, recordSpend } from './record-spend.ts';

export interface SkipLog {
  warn: (fields: object, message: string) => void;
}

type AdMetrics = Extract<DomainEvent, { type: 'integration.ad_metrics_synced' }>;

/** Our campaigns linked to the synced external campaigns, each with its synced day totals. */
async function linkedSpend(client: pg.ClientBase, event: AdMetrics): Promise<Map<string, Map<string, string>>> {
  const { provider, campaigns } = event.data;
  const { rows } = await client.query<{ campaign_id: string; external_campaign_id: string }>(
    `SELECT campaign_id, external_campaign_id FROM ad_campaign_links
     WHERE tenant_id = $1 AND provider = $2 AND external_campaign_id = ANY($3::text[])
     ORDER BY campaign_id, external_campaign_id`,
    [event.tenantId, provider, campaigns.map((campaign) => campaign.externalCampaignId)],
  );
  const spendOf = new Map(campaigns.map((campaign) => [campaign.externalCampaignId, campaign.spend]));
  const linked = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const spend = linked.get(row.campaign_id) ?? new Map<string, string>();
    spend.set(row.external_campaign_id, spendOf.get(row.external_campaign_id)!);
    linked.set(row.campaign_id, spend);
  }
  return linked;
}

/**
 * An ad platform's day totals of integration.ad_metrics_synced, into the ledgers of the campaigns
 * they are linked to (in the inbox transaction). Each (campaign, external campaign, day) is one
 * entry whose amount a re-sync replaces. A currency other than the campaign budget's cannot be
 * compared with it: logged and skipped. Campaigns are taken in id order, so two syncs lock them
 * in the same order.
 */
export async function applyAdMetrics(
  ctx: CampaignContext,
  client: pg.PoolClient,
  event: DomainEvent,
  log: SkipLog,
): Promise<void> {
  if (event.type !== 'integration.ad_metrics_synced') return;
  const { tenantId } = event;
  const { provider, date, currency } = event.data;
  const cause = {
    actor: { type: 'service' as const, id: 'campaign' },
    correlationId: event.correlationId,
    causationId: event.id,
  };
  for (const [campaignId, spend] of await linkedSpend(client, event)) {
    const campaign = await findCampaign(client, tenantId, campaignId);
    if (!campaign) continue;
    const budget = budgetOf(campaign);
    if (currency !== budget.currency) {
      log.warn(
        { tenantId, campaignId, eventId: event.id, provider, currency, budgetCurrency: budget.currency },
        'synced ad spend in another currency than the campaign budget: skipped',
      );
      continue;
    }
    for (const [externalCampaignId, amount] of spend) {
      const entry = {
        campaignId,
        entryId: derivedId('campaign-ad-spend', tenantId, campaignId, provider, externalCampaignId, date),
        date,
        amount,
        previousAmount: null,
        currency,
        source: 'ad_metrics' as const,
        adCampaign: { provider, externalCampaignId },
      };
      await recordSpend(ctx, client, tenantId, budget, entry, cause);
    }
  }
}
