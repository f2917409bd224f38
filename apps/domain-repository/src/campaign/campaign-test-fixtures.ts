import { BusinessRuleViolation, deciderSpec, type RuleFailure } from '@bizosaas/ddd-kernel';
import type { EventData } from '@bizosaas/event-schemas';
import type { CampaignEvent, CampaignStatus } from './campaign.ts';
import { campaignDecider } from './campaign-decider.ts';
import type { CreateCampaign } from './create-campaign/create-campaign.ts';

/** Shared values for the campaign tests (not used by production code). */
export const campaignId = '0194500c-a000-7000-8000-00000000c001';
/** The commands' time: inside the seed-like March schedule below. */
export const now = new Date('2025-03-10T09:00:00.000Z');
export const metadata = { now };

export const { givenEvents } = deciderSpec(campaignDecider);

export const createInput: CreateCampaign['data'] = {
  campaignId,
  name: 'Spring Product Launch',
  campaignType: 'multi_channel',
  objective: 'lead_generation',
  channels: ['email', 'google_ads', 'linkedin_ads'],
  budget: { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' },
  schedule: { startDate: '2025-03-01T00:00:00.000Z', endDate: '2025-03-31T00:00:00.000Z' },
};

export const create = (over: Partial<CreateCampaign['data']> = {}): CreateCampaign => ({
  type: 'campaign.create',
  data: { ...createInput, ...over },
  metadata,
});

export const createdData: EventData<'campaign.created'> = {
  name: 'Spring Product Launch',
  campaignType: 'multi_channel',
  objective: 'lead_generation',
  channels: ['email', 'google_ads', 'linkedin_ads'],
  budget: { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' },
  schedule: { startDate: '2025-03-01T00:00:00.000Z', endDate: '2025-03-31T00:00:00.000Z' },
};
export const created: CampaignEvent = { type: 'campaign.created', data: createdData };

export const scheduled: CampaignEvent = {
  type: 'campaign.scheduled',
  data: { schedule: { startDate: '2025-03-05T00:00:00.000Z', endDate: '2025-04-05T00:00:00.000Z' } },
};
export const launched: CampaignEvent = {
  type: 'campaign.launched',
  data: { channels: ['email', 'google_ads', 'linkedin_ads'], scheduledEndDate: '2025-03-31T00:00:00.000Z' },
};
export const paused: CampaignEvent = { type: 'campaign.paused', data: { reason: null } };
export const resumed: CampaignEvent = { type: 'campaign.resumed', data: { reason: null } };
export const completed: CampaignEvent = { type: 'campaign.completed', data: { reason: 'manual', note: null } };

/** The history that leaves the campaign in each status. */
export const historyOf: Record<CampaignStatus, CampaignEvent[]> = {
  draft: [created],
  scheduled: [created, scheduled],
  active: [created, launched],
  paused: [created, launched, paused],
  completed: [created, launched, completed],
};

/**
 * The error `assertCampaignRule` throws for these broken rules, as the API answers it:
 * rule and message of the failures, with the campaign's status and id.
 */
export function violation(
  currentStatus: CampaignStatus,
  failures: readonly [Omit<RuleFailure, 'details'>, ...Omit<RuleFailure, 'details'>[]],
): BusinessRuleViolation {
  const state = { currentStatus, campaignId };
  return new BusinessRuleViolation(failures[0].rule, failures.map((f) => f.reason).join('; '), {
    ...(failures.length === 1 ? state : {}),
    violations: failures.map((f) => ({ ...f, details: state })),
    ...state,
  });
}

/** The status rule's failure as `statusIn` words it. */
export const wrongStatus = (rule: string, status: CampaignStatus, allowed: string) => ({
  rule,
  reason: `Campaign is ${status}; needs ${allowed}`,
});
