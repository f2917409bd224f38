import type pg from 'pg';
import { REST_VARIANT, type AbMetric } from './ab-test-schema.ts';
import type { AbStep } from './ab-step.ts';
import type { VariantCount } from './choose-winner.ts';

// What counts as a success of each metric; a conversion counts from the send on.
const SUCCESS: Record<AbMetric, string> = {
  open_rate: 's.opened_at IS NOT NULL',
  click_rate: 's.clicked_at IS NOT NULL',
  conversion_rate: 'e.converted_at >= s.reserved_at',
};

/**
 * Each test variant's recipients (its group's sends notification accepted and did not suppress)
 * and successes, in the plan's variant order, zeros included. The rest's sends (variant `rest`
 * on the enrolment) are not part of the test.
 */
export async function variantCounts(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  step: AbStep,
): Promise<VariantCount[]> {
  const { rows } = await client.query<VariantCount>(
    `SELECT e.variant, count(*)::int AS recipients, count(*) FILTER (WHERE ${SUCCESS[step.abTest.metric]})::int AS successes
     FROM sends s JOIN enrolments e ON e.tenant_id = s.tenant_id AND e.campaign_id = s.campaign_id AND e.contact_id = s.contact_id
     WHERE s.tenant_id = $1 AND s.campaign_id = $2 AND s.step_id = $3 AND s.state = 'accepted'
       AND s.message_status IS DISTINCT FROM 'suppressed' AND e.variant = s.variant
     GROUP BY e.variant`,
    [tenantId, campaignId, step.id],
  );
  const found = new Map(rows.map((row) => [row.variant, row]));
  return step.abTest.variants.map(({ key }) => found.get(key) ?? { variant: key, recipients: 0, successes: 0 });
}

/** When notification accepted the step's last test send so far (null: none yet). */
export async function lastTestSendAt(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  stepId: string,
): Promise<Date | null> {
  const { rows } = await client.query<{ at: Date | null }>(
    `SELECT max(s.accepted_at) AS at FROM sends s JOIN enrolments e ON e.tenant_id = s.tenant_id
       AND e.campaign_id = s.campaign_id AND e.contact_id = s.contact_id
     WHERE s.tenant_id = $1 AND s.campaign_id = $2 AND s.step_id = $3 AND e.variant = s.variant`,
    [tenantId, campaignId, stepId],
  );
  return rows[0]!.at;
}

/** Whether a test recipient is still on its way to step `index` (or its send there is not answered yet). */
export async function testPending(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  index: number,
): Promise<boolean> {
  const { rows } = await client.query<{ pending: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM enrolments WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'active'
       AND variant <> $4 AND step_index <= $3) AS pending`,
    [tenantId, campaignId, index, REST_VARIANT],
  );
  return rows[0]!.pending;
}
