import { z } from 'zod';
import type { Command } from '@bizosaas/ddd-kernel';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import { assertCampaignRule, canLaunch, existingCampaign } from '../campaign-rules.ts';

/** A launch takes no input: the campaign carries what it needs. */
export const launchCampaignInput = z.strictObject({});

export type LaunchCampaign = Command<'campaign.launch', { readonly campaignId: string }>;

/**
 * Takes a draft or scheduled campaign live on its channels. Launching a live campaign again is
 * a repeat; a paused one is resumed, not launched.
 */
export function launchCampaign(command: LaunchCampaign, state: Campaign): CampaignEvent[] {
  const { campaignId } = command.data;
  const campaign = existingCampaign(state, campaignId);
  if (campaign.status === 'active') return [];
  assertCampaignRule(canLaunch, { campaignId, campaign, now: command.metadata.now });
  return [
    {
      type: 'campaign.launched',
      data: { channels: [...campaign.channels], scheduledEndDate: campaign.schedule.endDate },
    },
  ];
}
