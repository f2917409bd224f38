import type pg from 'pg';
import type { Plan } from '../plans/plan-schema.ts';
import { abVariantOf } from './ab-split.ts';
import { abStepOf } from './ab-step.ts';

/**
 * Gives each entered recipient its A/B variant (a test variant or `rest`) when the plan has an A/B
 * step, in one statement, and returns them by contact id (empty: the plan tests nothing).
 */
export async function assignVariants(
  client: pg.ClientBase,
  tenantId: string,
  plan: Plan,
  contactIds: readonly string[],
): Promise<Map<string, string>> {
  const ab = abStepOf(plan.steps);
  if (!ab || contactIds.length === 0) return new Map();
  const variants = new Map(contactIds.map((id) => [id, abVariantOf(plan.campaignId, id, ab.step.abTest)]));
  await client.query(
    `UPDATE enrolments e SET variant = u.variant
     FROM unnest($3::uuid[], $4::text[]) AS u(contact_id, variant)
     WHERE e.tenant_id = $1 AND e.campaign_id = $2 AND e.contact_id = u.contact_id`,
    [tenantId, plan.campaignId, [...variants.keys()], [...variants.values()]],
  );
  return variants;
}
