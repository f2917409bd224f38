import { z } from 'zod';
import type { Command } from '@bizosaas/ddd-kernel';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import { assertCampaignRule, canResume, existingCampaign } from '../campaign-rules.ts';

export const resumeCampaignInput = z.strictObject({
  reason: z.string().trim().min(1).max(1000).nullable().default(null),
});

export type ResumeCampaign = Command<
  'campaign.resume',
  { readonly campaignId: string; readonly reason: string | null }
>;

/**
 * Takes a paused campaign live again, unless its schedule ended meanwhile (complete it
 * instead). Resuming a live campaign is a repeat.
 */
export function resumeCampaign(command: ResumeCampaign, state: Campaign): CampaignEvent[] {
  const { campaignId, reason } = command.data;
  const campaign = existingCampaign(state, campaignId);
  if (campaign.status === 'active') return [];
  assertCampaignRule(canResume, { campaignId, campaign, now: command.metadata.now });
  return [{ type: 'campaign.resumed', data: { reason } }];
}
