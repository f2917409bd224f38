import { z } from 'zod';
import type { Command } from '@bizosaas/ddd-kernel';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import { assertCampaignRule, canOptimize, existingCampaign } from '../campaign-rules.ts';
import { OptimizationChanges, OptimizationGoal, type OptimizationChange } from '../campaign-values.ts';

export const optimizeCampaignInput = z.strictObject({
  optimizationGoal: OptimizationGoal,
  analysisId: z.uuid().nullable().default(null),
  changes: z.array(z.strictObject(OptimizationChanges.element.shape)).default([]),
  expectedImprovementPercent: z.number().min(-100).max(10_000).nullable().default(null),
});

export type OptimizeCampaign = Command<
  'campaign.optimize',
  {
    readonly campaignId: string;
    readonly optimizationGoal: OptimizationGoal;
    /** The ai.analysis whose suggestions are applied; null when only enabling. */
    readonly analysisId: string | null;
    /** Empty to enable AI optimisation (or change its goal) without applying anything yet. */
    readonly changes: readonly OptimizationChange[];
    readonly expectedImprovementPercent: number | null;
  }
>;

/**
 * Enables AI optimisation with a goal, or records changes it suggested. Enabling again with the
 * goal already set and no changes is a repeat; a completed campaign is not optimised.
 */
export function optimizeCampaign(command: OptimizeCampaign, state: Campaign): CampaignEvent[] {
  const { campaignId, optimizationGoal, analysisId, changes, expectedImprovementPercent } = command.data;
  const campaign = existingCampaign(state, campaignId);
  if (changes.length === 0 && campaign.optimizationGoal === optimizationGoal) return [];
  assertCampaignRule(canOptimize, { campaignId, campaign, now: command.metadata.now });
  return [
    {
      type: 'campaign.optimized',
      data: {
        optimizationGoal,
        analysisId,
        changes: changes.map((change) => ({ ...change })),
        expectedImprovementPercent,
      },
    },
  ];
}
