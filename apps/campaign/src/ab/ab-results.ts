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

export interface TestProgress {
  /** Test recipients still on their way to the step (or with its send not yet answered). */
  pending: number;
  /** When notification accepted the last test send of the step (null: none was). */
  lastSentAt: Date | null;
}

/** How far the step's test groups are: the results are read `waitHours` after the last send. */
export async function testProgress(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  ab: { index: number; step: AbStep },
): Promise<TestProgress> {
  const { rows } = await client.query<TestProgress>(
    `SELECT
       (SELECT count(*)::int FROM enrolments WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'active'
          AND variant <> $5 AND step_index <= $4) AS pending,
       (SELECT max(s.accepted_at) FROM sends s JOIN enrolments e ON e.tenant_id = s.tenant_id
          AND e.campaign_id = s.campaign_id AND e.contact_id = s.contact_id
        WHERE s.tenant_id = $1 AND s.campaign_id = $2 AND s.step_id = $3 AND e.variant = s.variant) AS "lastSentAt"`,
    [tenantId, campaignId, ab.step.id, ab.index, REST_VARIANT],
  );
  return rows[0]!;
}
