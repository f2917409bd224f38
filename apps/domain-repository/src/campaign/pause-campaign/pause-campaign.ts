import { z } from 'zod';
import type { Command } from '@bizosaas/ddd-kernel';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import { assertCampaignRule, canPause, existingCampaign } from '../campaign-rules.ts';

export const pauseCampaignInput = z.strictObject({
  reason: z.string().trim().min(1).max(1000).nullable().default(null),
});

export type PauseCampaign = Command<'campaign.pause', { readonly campaignId: string; readonly reason: string | null }>;

/** Stops a live campaign's spending until it is resumed; pausing a paused campaign is a repeat. */
export function pauseCampaign(command: PauseCampaign, state: Campaign): CampaignEvent[] {
  const { campaignId, reason } = command.data;
  const campaign = existingCampaign(state, campaignId);
  if (campaign.status === 'paused') return [];
  assertCampaignRule(canPause, { campaignId, campaign, now: command.metadata.now });
  return [{ type: 'campaign.paused', data: { reason } }];
}
