import type pg from 'pg';
import { createEvent, type DomainEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import { assignVariants } from '../ab/assign-variants.ts';
import { selectAudienceSql } from '../audience/select-audience-sql.ts';
import type { CampaignContext } from '../context.ts';
import type { Plan } from '../plans/plan-schema.ts';
import { CAMPAIGN_ACTOR } from './execution-store.ts';

// Streams appended per statement: big enough to amortise the round trip, small enough to keep
// one statement's parameters and memory modest.
const APPEND_CHUNK = 2000;

interface Enrolled {
  contact_id: string;
  enrolment_id: string;
  contact_kind: 'lead' | 'customer';
  status: 'active' | 'skipped';
}

/**
 * Freezes the audience: every contact matching the plan's filter now is enrolled once (the
 * primary key is campaign + contact), due at once for the first step; one contact per address
 * (selectAudienceSql). A contact enrolled in
 * another campaign of the tenant within the plan's re-entry cooldown is recorded as skipped
 * (reason `reentry`). A plan with an A/B step gives each entering recipient its variant. Each
 * entering recipient's campaign.recipient_enrolled goes out through the outbox with the same
 * transaction. Returns the number that entered.
 */
export async function enrolAudience(
  ctx: CampaignContext,
  client: pg.PoolClient,
  tenantId: string,
  plan: Plan,
  executionId: string,
  causedBy: DomainEvent,
): Promise<number> {
  const now = ctx.now();
  const audience = selectAudienceSql(plan.audience.filter, 5);
  const cooldown = plan.audience.reentryCooldownDays;
  // The re-entry check's estimate (it never runs without a cooldown) is high enough to switch on
  // PostgreSQL's JIT, which compiled this statement for most of a second on every launch.
  await client.query('SET LOCAL jit = off');
  const { rows } = await client.query<Enrolled>(
    `INSERT INTO enrolments (tenant_id, campaign_id, contact_id, enrolment_id, contact_kind, step_index, status, reason,
       due_at, stream_version, enrolled_at, updated_at)
     SELECT $1, $2, c.contact_id, gen_random_uuid(), c.kind, 0,
       CASE WHEN recent.contact_id IS NULL THEN 'active' ELSE 'skipped' END,
       CASE WHEN recent.contact_id IS NULL THEN NULL ELSE 'reentry' END,
       CASE WHEN recent.contact_id IS NULL THEN $3::timestamptz END,
       CASE WHEN recent.contact_id IS NULL THEN 1 ELSE 0 END, $3, $3
     FROM (${audience.sql}) c
     LEFT JOIN LATERAL (
       SELECT e.contact_id FROM enrolments e
       WHERE $4::int IS NOT NULL AND e.tenant_id = $1 AND e.contact_id = c.contact_id AND e.campaign_id <> $2
         AND e.status <> 'skipped' AND e.enrolled_at > $3::timestamptz - make_interval(days => $4::int)
       LIMIT 1) recent ON true
     ON CONFLICT (tenant_id, campaign_id, contact_id) DO NOTHING
     RETURNING contact_id, enrolment_id, contact_kind, status`,
    [tenantId, plan.campaignId, now, cooldown, ...audience.params],
  );
  const entered = rows.filter((row) => row.status === 'active');
  const variants = await assignVariants(
    client,
    tenantId,
    plan,
    entered.map((row) => row.contact_id),
  );
  for (let i = 0; i < entered.length; i += APPEND_CHUNK) {
    const inputs = entered.slice(i, i + APPEND_CHUNK).map((row) => ({
      tenantId,
      aggregateType: 'campaign_enrolment',
      aggregateId: row.enrolment_id,
      expectedVersion: 0,
      events: [
        createEvent(
          {
            type: 'campaign.recipient_enrolled',
            tenantId,
            aggregateId: row.enrolment_id,
            aggregateVersion: 1,
            actor: CAMPAIGN_ACTOR,
            causedBy,
            data: {
              campaignId: plan.campaignId,
              executionId,
              recipient: { type: row.contact_kind, id: row.contact_id },
              variant: variants.get(row.contact_id) ?? null,
            },
          },
          { now: ctx.now },
        ) as EventEnvelope,
      ],
    }));
    await ctx.store.appendMany(client, inputs);
  }
  return entered.length;
}
