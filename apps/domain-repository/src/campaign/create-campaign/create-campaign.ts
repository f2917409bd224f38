import { z } from 'zod';
import { BusinessRuleViolation, type Command } from '@bizosaas/ddd-kernel';
import { isDeepStrictEqual } from 'node:util';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import {
  budgetInput,
  CampaignChannels,
  CampaignDraft,
  CampaignObjective,
  CampaignType,
  scheduleInput,
} from '../campaign-values.ts';

/** Shapes only; the value objects in decide check the budget and schedule invariants (400 with paths). */
export const createCampaignInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  campaignType: CampaignType,
  objective: CampaignObjective,
  channels: CampaignChannels,
  budget: budgetInput,
  schedule: scheduleInput,
});

export type CreateCampaign = Command<
  'campaign.create',
  {
    readonly campaignId: string;
    readonly name: string;
    readonly campaignType: string;
    readonly objective: string;
    readonly channels: readonly string[];
    readonly budget: { readonly totalBudget: string; readonly dailyBudget: string; readonly currency: string };
    readonly schedule: { readonly startDate: string; readonly endDate: string | null };
  }
>;

/**
 * Drafts a campaign; the draft value object checks the input (400 listing every bad field).
 * The same create again while the campaign is an unchanged draft is a repeat and yields
 * nothing; anything else on an existing id is refused.
 */
export function createCampaign(command: CreateCampaign, state: Campaign): CampaignEvent[] {
  const { campaignId, ...input } = command.data;
  const draft = CampaignDraft.create(input);
  if (state.status === 'none')
    return [
      {
        type: 'campaign.created',
        data: { ...draft, channels: [...draft.channels], budget: { ...draft.budget }, schedule: { ...draft.schedule } },
      },
    ];
  const { name, campaignType, objective, channels, budget, schedule } = state;
  if (
    state.status === 'draft' &&
    isDeepStrictEqual({ name, campaignType, objective, channels, budget, schedule }, { ...draft })
  )
    return [];
  throw new BusinessRuleViolation('campaign.create.already_exists', 'Campaign already exists', {
    currentStatus: state.status,
    campaignId,
  });
}
