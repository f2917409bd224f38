import { z } from 'zod';
import type { Command } from '@bizosaas/ddd-kernel';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import { assertCampaignRule, canComplete, existingCampaign } from '../campaign-rules.ts';
import { CompletionReason } from '../campaign-values.ts';

export const completeCampaignInput = z.strictObject({
  reason: CompletionReason.default('manual'),
  note: z.string().trim().min(1).max(1000).nullable().default(null),
});

export type CompleteCampaign = Command<
  'campaign.complete',
  { readonly campaignId: string; readonly reason: CompletionReason; readonly note: string | null }
>;

/**
 * Ends a campaign that ran (live or paused) for good. Completing a completed campaign is a
 * repeat, whatever the reason given. A campaign that never ran cannot be completed.
 */
export function completeCampaign(command: CompleteCampaign, state: Campaign): CampaignEvent[] {
  const { campaignId, reason, note } = command.data;
  const campaign = existingCampaign(state, campaignId);
  if (campaign.status === 'completed') return [];
  assertCampaignRule(canComplete, { campaignId, campaign, now: command.metadata.now });
  return [{ type: 'campaign.completed', data: { reason, note } }];
}
