import type pg from 'pg';
import { z } from 'zod';
import { getPlan } from '../plans/plan-store.ts';
import { variantCounts } from './ab-results.ts';
import { abStepOf } from './ab-step.ts';
import { chooseWinner, type VariantResult } from './choose-winner.ts';

export const abTestView = z.object({
  stepId: z.string(),
  metric: z.enum(['open_rate', 'click_rate', 'conversion_rate']),
  testShare: z.number(),
  waitHours: z.number(),
  status: z.enum(['testing', 'decided']).describe('decided: the winner goes to the rest of the audience'),
  variants: z.array(
    z.object({
      variant: z.string(),
      templateKey: z.string(),
      recipients: z.int().describe('Test sends of the variant notification accepted'),
      successes: z.int().describe('Of them, those opened, clicked or converted (the metric)'),
      rate: z.string().describe('successes / recipients, 4-place decimal'),
    }),
  ),
  pValue: z.number().describe('Two-sided p-value of the two-proportion test between the two best variants'),
  winner: z.string().nullable(),
  decidedAt: z.date().nullable(),
});
export type AbTestView = z.output<typeof abTestView>;

interface Decided {
  winner: string;
  variants: VariantResult[];
  pValue: number;
  decidedAt: Date;
}

/**
 * The campaign's A/B tests: counts as they stand while testing; once decided, the counts the
 * decision saw (what campaign.ab_winner_selected carried). A campaign without a plan is 404.
 */
export async function abTestsOf(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<AbTestView[]> {
  const plan = await getPlan(client, tenantId, campaignId);
  const ab = abStepOf(plan.steps);
  if (!ab) return [];
  const { rows } = await client.query<Decided>(
    `SELECT winner, variants, p_value AS "pValue", decided_at AS "decidedAt" FROM ab_winners
     WHERE tenant_id = $1 AND campaign_id = $2 AND step_id = $3`,
    [tenantId, campaignId, ab.step.id],
  );
  const decided = rows[0];
  const outcome = decided ?? chooseWinner(await variantCounts(client, tenantId, campaignId, ab.step));
  const templates = new Map(ab.step.abTest.variants.map((v) => [v.key, v.templateKey]));
  const { metric, testShare, waitHours } = ab.step.abTest;
  return [
    {
      stepId: ab.step.id,
      metric,
      testShare,
      waitHours,
      status: decided ? 'decided' : 'testing',
      variants: outcome.variants.map((v) => ({ ...v, templateKey: templates.get(v.variant) ?? '' })),
      pValue: outcome.pValue,
      winner: decided?.winner ?? null,
      decidedAt: decided?.decidedAt ?? null,
    },
  ];
}
