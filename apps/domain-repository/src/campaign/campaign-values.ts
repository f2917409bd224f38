import { Money, valueObject, type ValueOf } from '@bizosaas/ddd-kernel';
import { currency, eventCatalogue, moneyAmount } from '@bizosaas/event-schemas';
import { z } from 'zod';

const created = eventCatalogue['campaign.created'].data.shape;

/** Enumerations shared with the events, so a value accepted here always fits them. */
export const CampaignType = created.campaignType;
export const CampaignObjective = created.objective;
export const CampaignChannels = created.channels;
export const OptimizationGoal = eventCatalogue['campaign.optimized'].data.shape.optimizationGoal;
export const OptimizationChanges = eventCatalogue['campaign.optimized'].data.shape.changes;
export const CompletionReason = eventCatalogue['campaign.completed'].data.shape.reason;

export type CampaignType = z.output<typeof CampaignType>;
export type CampaignObjective = z.output<typeof CampaignObjective>;
export type CampaignChannel = z.output<typeof CampaignChannels>[number];
export type OptimizationGoal = z.output<typeof OptimizationGoal>;
export type OptimizationChange = z.output<typeof OptimizationChanges>[number];
export type CompletionReason = z.output<typeof CompletionReason>;

/**
 * Total and daily budget of one currency. Both are positive and the daily budget never
 * exceeds the total; amounts come out canonical ("500" -> "500.00") so equal budgets compare
 * equal, which is what makes a repeated budget update a no-op.
 */
export const CampaignBudget = valueObject(
  'CampaignBudget',
  z
    .object({ totalBudget: moneyAmount, dailyBudget: moneyAmount, currency })
    .superRefine((budget, context) => {
      // Zod still runs this after a field failed its format (those issues are reported already).
      if (
        ![
          moneyAmount.safeParse(budget.totalBudget),
          moneyAmount.safeParse(budget.dailyBudget),
          currency.safeParse(budget.currency),
        ].every((r) => r.success)
      )
        return;
      const total = Money.of(budget.totalBudget, budget.currency);
      const daily = Money.of(budget.dailyBudget, budget.currency);
      if (Money.isZero(total))
        context.addIssue({ code: 'custom', path: ['totalBudget'], message: 'must be greater than zero' });
      if (Money.isZero(daily))
        context.addIssue({ code: 'custom', path: ['dailyBudget'], message: 'must be greater than zero' });
      if (Money.compare(daily, total) > 0) {
        context.addIssue({ code: 'custom', path: ['dailyBudget'], message: 'must not exceed totalBudget' });
      }
    })
    .transform((budget) => ({
      totalBudget: Money.of(budget.totalBudget, budget.currency).amount,
      dailyBudget: Money.of(budget.dailyBudget, budget.currency).amount,
      currency: budget.currency,
    })),
);
export type CampaignBudget = ValueOf<typeof CampaignBudget>;

const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString());

/**
 * When a campaign runs: a start and, unless it is open-ended, an end strictly after the start.
 * Instants are normalised to UTC ISO strings (the events' form).
 */
export const CampaignSchedule = valueObject(
  'CampaignSchedule',
  z
    .object({ startDate: instant, endDate: instant.nullable() })
    // Written as "not (end <= start)" so an unparsable instant, already reported, adds no issue here.
    .refine((s) => s.endDate === null || !(Date.parse(s.endDate) <= Date.parse(s.startDate)), {
      path: ['endDate'],
      message: 'must be after startDate',
    }),
);
export type CampaignSchedule = ValueOf<typeof CampaignSchedule>;

/** Everything a new campaign needs, checked at once so one answer lists every bad field. */
export const CampaignDraft = valueObject(
  'CampaignDraft',
  z.object({
    name: created.name,
    campaignType: CampaignType,
    objective: CampaignObjective,
    // A channel named twice is still one channel.
    channels: CampaignChannels.transform((channels) => [...new Set(channels)]),
    budget: CampaignBudget.schema,
    schedule: CampaignSchedule.schema,
  }),
);
export type CampaignDraft = ValueOf<typeof CampaignDraft>;

/** Request shapes of a budget and a schedule; CampaignBudget and CampaignSchedule in decide check their invariants. */
export const budgetInput = z.strictObject({
  totalBudget: moneyAmount.describe('decimal string, e.g. "10000.00"'),
  dailyBudget: moneyAmount.describe('decimal string, at most totalBudget'),
  currency,
});
export const scheduleInput = z.strictObject({
  startDate: z.iso.datetime({ offset: true }),
  endDate: z.iso.datetime({ offset: true }).nullable().default(null).describe('after startDate; null = open-ended'),
});
