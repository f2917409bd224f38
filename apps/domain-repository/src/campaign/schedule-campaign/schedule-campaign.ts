import { z } from 'zod';
import type { Command } from '@bizosaas/ddd-kernel';
import { isDeepStrictEqual } from 'node:util';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import { assertCampaignRule, canSchedule, existingCampaign } from '../campaign-rules.ts';
import { CampaignSchedule, scheduleInput } from '../campaign-values.ts';

export const scheduleCampaignInput = z.strictObject({ schedule: scheduleInput });

export type ScheduleCampaign = Command<
  'campaign.schedule',
  { readonly campaignId: string; readonly schedule: { readonly startDate: string; readonly endDate: string | null } }
>;

/**
 * Fixes when a campaign that has not run yet will run; a scheduled campaign may be rescheduled.
 * The same schedule again is a repeat. An end already past at `now` is refused.
 */
export function scheduleCampaign(command: ScheduleCampaign, state: Campaign): CampaignEvent[] {
  const { campaignId } = command.data;
  const campaign = existingCampaign(state, campaignId);
  const schedule = CampaignSchedule.create(command.data.schedule, { path: 'schedule' });
  if (campaign.status === 'scheduled' && isDeepStrictEqual(campaign.schedule, { ...schedule })) return [];
  assertCampaignRule(canSchedule, { campaignId, campaign: { ...campaign, schedule }, now: command.metadata.now });
  return [{ type: 'campaign.scheduled', data: { schedule: { ...schedule } } }];
}
