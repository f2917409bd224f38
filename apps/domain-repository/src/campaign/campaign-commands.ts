import { z } from 'zod';
import { currency, moneyAmount, uuidv7 } from '@bizosaas/event-schemas';
import { aggregateCommand, type CommandContext } from '../write-side/aggregate-command.ts';
import type { Aggregate } from '../write-side/run-aggregate.ts';
import type { Campaign, CampaignEvent } from './campaign.ts';
import { campaignDecider, type CampaignCommand } from './campaign-decider.ts';
import {
  CampaignChannels,
  CampaignObjective,
  CampaignType,
  CompletionReason,
  OptimizationChanges,
  OptimizationGoal,
} from './campaign-values.ts';
import { campaignView } from './campaign-view.ts';

export const campaignAggregate: Aggregate<CampaignCommand, Campaign, CampaignEvent> = {
  aggregateType: 'campaign',
  decider: campaignDecider,
  snapshotSchemaVersion: 1,
};

/** Shapes only; the value objects in decide check the budget and schedule invariants (400 with paths). */
export const budgetInput = z.strictObject({
  totalBudget: moneyAmount.describe('decimal string, e.g. "10000.00"'),
  dailyBudget: moneyAmount.describe('decimal string, at most totalBudget'),
  currency,
});
export const scheduleInput = z.strictObject({
  startDate: z.iso.datetime({ offset: true }),
  endDate: z.iso.datetime({ offset: true }).nullable().default(null).describe('after startDate; null = open-ended'),
});
const note = z.string().trim().min(1).max(1000).nullable().default(null);

export const createCampaignInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  campaignType: CampaignType,
  objective: CampaignObjective,
  channels: CampaignChannels,
  budget: budgetInput,
  schedule: scheduleInput,
});
export const scheduleCampaignInput = z.strictObject({ schedule: scheduleInput });
export const pauseCampaignInput = z.strictObject({ reason: note });
export const completeCampaignInput = z.strictObject({ reason: CompletionReason.default('manual'), note });
export const updateBudgetInput = z.strictObject({ budget: budgetInput });
export const optimizeCampaignInput = z.strictObject({
  optimizationGoal: OptimizationGoal,
  analysisId: z.uuid().nullable().default(null),
  changes: z.array(z.strictObject(OptimizationChanges.element.shape)).default([]),
  expectedImprovementPercent: z.number().min(-100).max(10_000).nullable().default(null),
});

const withId = <S extends z.ZodObject>(schema: S) => schema.extend({ campaignId: z.uuid() });
const view = (run: { state: Campaign; version: number }, id: string) => campaignView(run.state, id, run.version);

/** A bus command whose data is the decider command's data as sent (campaignId from the path). */
function onExisting<const T extends Exclude<CampaignCommand['type'], 'campaign.create'>, S extends z.ZodObject>(
  ctx: CommandContext,
  type: T,
  schema: S,
) {
  return aggregateCommand(ctx, {
    type,
    schema: withId(schema),
    aggregate: campaignAggregate,
    toCommand: (data, metadata) => ({
      aggregateId: (data as { campaignId: string }).campaignId,
      command: { type, data, metadata } as unknown as CampaignCommand,
    }),
    view,
  });
}

export function campaignCommands(ctx: CommandContext) {
  return [
    aggregateCommand(ctx, {
      type: 'campaign.create',
      schema: createCampaignInput,
      aggregate: campaignAggregate,
      // The id is made here, once per run, so a retry under the same Idempotency-Key repeats the first result.
      toCommand: (data, metadata) => {
        const campaignId = uuidv7();
        return { aggregateId: campaignId, command: { type: 'campaign.create' as const, data: { ...data, campaignId }, metadata } };
      },
      view,
      createsAggregate: true,
    }),
    onExisting(ctx, 'campaign.schedule', scheduleCampaignInput),
    onExisting(ctx, 'campaign.launch', z.strictObject({})),
    onExisting(ctx, 'campaign.pause', pauseCampaignInput),
    onExisting(ctx, 'campaign.resume', pauseCampaignInput),
    onExisting(ctx, 'campaign.complete', completeCampaignInput),
    onExisting(ctx, 'campaign.update_budget', updateBudgetInput),
    onExisting(ctx, 'campaign.optimize', optimizeCampaignInput),
  ] as const;
}
