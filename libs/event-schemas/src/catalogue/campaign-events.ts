import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { channel, currency, moneyAmount } from './values.ts';

// The campaign's id is the envelope's aggregateId.
export const campaignCreated = defineEvent({
  type: 'campaign.created',
  aggregateType: 'campaign',
  description: 'A marketing campaign was drafted with its budget and schedule.',
  data: z.object({
    name: z.string().trim().min(1).max(200),
    campaignType: z.enum(['email', 'social_media', 'paid_ads', 'content', 'seo', 'multi_channel']),
    objective: z.enum(['lead_generation', 'brand_awareness', 'sales', 'engagement', 'traffic', 'retention']),
    channels: z.array(channel).min(1),
    budget: z.object({
      totalBudget: moneyAmount,
      dailyBudget: moneyAmount.nullable(),
      currency,
    }),
    schedule: z.object({
      startDate: z.iso.datetime(),
      endDate: z.iso.datetime().nullable(),
    }),
  }),
  example: {
    name: 'Spring Product Launch',
    campaignType: 'multi_channel',
    objective: 'lead_generation',
    channels: ['email', 'google_ads', 'linkedin_ads'],
    budget: { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' },
    schedule: { startDate: '2025-03-01T00:00:00.000Z', endDate: '2025-03-31T00:00:00.000Z' },
  },
});

export const campaignLaunched = defineEvent({
  type: 'campaign.launched',
  aggregateType: 'campaign',
  description: 'A campaign went live on its channels.',
  data: z.object({
    channels: z.array(channel).min(1),
    scheduledEndDate: z.iso.datetime().nullable(),
  }),
  example: { channels: ['email', 'google_ads'], scheduledEndDate: '2025-03-31T00:00:00.000Z' },
});

const optimizationChange = z.object({
  kind: z.enum([
    'budget_reallocation',
    'bid_adjustment',
    'audience_change',
    'schedule_change',
    'creative_change',
    'channel_paused',
  ]),
  channel: channel.nullable(),
  description: z.string().min(1).max(1000),
  previousValue: z.string().max(200).nullable(),
  newValue: z.string().max(200).nullable(),
});

export const campaignOptimized = defineEvent({
  type: 'campaign.optimized',
  aggregateType: 'campaign',
  // Widened without a version bump (every stored v1 event still parses): an empty `changes`
  // records that AI optimisation was switched on, or its goal changed, with nothing applied yet.
  description: 'AI optimisation was enabled on a campaign with a goal, or changes it suggested were applied.',
  data: z.object({
    optimizationGoal: z.enum([
      'minimize_cpa',
      'maximize_conversions',
      'maximize_roas',
      'maximize_reach',
      'maximize_clicks',
    ]),
    /** The ai.analysis that proposed the changes. */
    analysisId: z.uuid().nullable(),
    changes: z.array(optimizationChange),
    /** Expected improvement of the goal metric, percent (may be negative). */
    expectedImprovementPercent: z.number().min(-100).max(10_000).nullable(),
  }),
  example: {
    optimizationGoal: 'minimize_cpa',
    analysisId: '0192f5a4-0b1c-7d2e-9f30-415263748596',
    changes: [
      {
        kind: 'budget_reallocation',
        channel: 'google_ads',
        description: 'Move daily budget from display to search',
        previousValue: '300.00',
        newValue: '420.00',
      },
    ],
    expectedImprovementPercent: 12.5,
  },
});

const budget = z.object({
  totalBudget: moneyAmount,
  dailyBudget: moneyAmount.nullable(),
  currency,
});

const schedule = z.object({
  startDate: z.iso.datetime(),
  endDate: z.iso.datetime().nullable(),
});

const note = z.string().trim().min(1).max(1000).nullable();

export const campaignScheduled = defineEvent({
  type: 'campaign.scheduled',
  aggregateType: 'campaign',
  description: 'A draft campaign was given the schedule it will run on (or was rescheduled before launch).',
  data: z.object({ schedule }),
  example: { schedule: { startDate: '2025-03-01T00:00:00.000Z', endDate: '2025-03-31T00:00:00.000Z' } },
});

export const campaignPaused = defineEvent({
  type: 'campaign.paused',
  aggregateType: 'campaign',
  description: 'A live campaign was paused; its channels stop spending until it is resumed.',
  data: z.object({ reason: note }),
  example: { reason: 'Creative under review' },
});

export const campaignResumed = defineEvent({
  type: 'campaign.resumed',
  aggregateType: 'campaign',
  description: 'A paused campaign went live again.',
  data: z.object({ reason: note }),
  example: { reason: null },
});

export const campaignCompleted = defineEvent({
  type: 'campaign.completed',
  aggregateType: 'campaign',
  description: 'A campaign ended for good; no later command changes it.',
  data: z.object({
    reason: z.enum(['schedule_ended', 'budget_exhausted', 'objective_met', 'manual']),
    note,
  }),
  example: { reason: 'manual', note: 'Spring launch wrapped up' },
});

export const campaignBudgetUpdated = defineEvent({
  type: 'campaign.budget_updated',
  aggregateType: 'campaign',
  description: "A campaign's total and daily budget changed (amounts are decimal strings).",
  data: z.object({ previousBudget: budget, budget }),
  example: {
    previousBudget: { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' },
    budget: { totalBudget: '12000.00', dailyBudget: '600.00', currency: 'USD' },
  },
});
