import type pg from 'pg';
import { z } from 'zod';
import { BusinessRuleViolation, NotFoundError, refuseFutureFacts } from '@bizosaas/ddd-kernel';
import { currency, derivedId, eventCatalogue, moneyAmount, uuidv7 } from '@bizosaas/event-schemas';
import { findCampaign, type CampaignRow } from '../campaigns/campaign-read-model.ts';
import type { CampaignContext } from '../context.ts';
import { budgetOf, recordSpend, type SpendCause } from './record-spend.ts';
import { findEntry } from './spend-ledger.ts';

/** A day's spend may be entered once the day has begun somewhere our clock allows (5 minutes of skew). */
const CLOCK_SKEW_MS = 300_000;

export const recordSpendBody = z.strictObject({
  amount: moneyAmount.refine((amount) => !/^0(\.0+)?$/.test(amount), 'must be more than 0'),
  currency,
  date: z.iso.date().describe('The UTC day the money was spent on; not a future day'),
});
export type RecordSpendBody = z.output<typeof recordSpendBody>;

const limitReached = eventCatalogue['campaign.pacing_limit_reached'].data;

export const spendEntryView = z.strictObject({
  entryId: z.uuid(),
  campaignId: z.uuid(),
  date: z.iso.date(),
  amount: moneyAmount,
  currency,
  source: z.enum(['manual', 'ad_metrics']),
  recordedAt: z.iso.datetime(),
  limitsReached: z.array(limitReached).describe('The caps this entry reached: the campaign is paused or completed'),
});
export type SpendEntryView = z.output<typeof spendEntryView>;

/** The campaign as this service knows it, or 404 (another tenant's campaign is invisible under RLS). */
export async function campaignOr404(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<CampaignRow> {
  const campaign = await findCampaign(client, tenantId, campaignId);
  if (!campaign) throw new NotFoundError(`Campaign ${campaignId} was not found`, { campaignId });
  return campaign;
}

/**
 * The entry's id: derived from the Idempotency-Key when there is one, so two racing requests with
 * the same key find the same ledger line and the second records nothing.
 */
export const manualEntryId = (tenantId: string, campaignId: string, idempotencyKey: string | undefined) =>
  idempotencyKey === undefined ? uuidv7() : derivedId('campaign-spend', tenantId, campaignId, idempotencyKey);

/** Records spend entered by hand (within the caps: pacing.ts), in the campaign's budget currency. */
export async function recordManualSpend(
  ctx: CampaignContext,
  tenantId: string,
  campaignId: string,
  body: RecordSpendBody,
  entryId: string,
  cause: SpendCause,
): Promise<SpendEntryView> {
  refuseFutureFacts({ date: `${body.date}T00:00:00.000Z` }, ctx.now(), CLOCK_SKEW_MS);
  return ctx.store.transaction(ctx.pool, tenantId, async (client) => {
    const budget = budgetOf(await campaignOr404(client, tenantId, campaignId));
    if (body.currency !== budget.currency)
      throw new BusinessRuleViolation(
        'spend.currency_matches_budget',
        `Spend in ${body.currency} cannot count against a budget in ${budget.currency}`,
        { currency: body.currency, budgetCurrency: budget.currency },
      );
    const entry = {
      campaignId,
      entryId,
      date: body.date,
      amount: body.amount,
      previousAmount: null,
      currency: body.currency,
      source: 'manual' as const,
      adCampaign: null,
    };
    const decision = await recordSpend(ctx, client, tenantId, budget, entry, cause);
    const view = (await findEntry(client, tenantId, entryId))!;
    return { ...view, limitsReached: decision?.limitsReached ?? [] };
  });
}
