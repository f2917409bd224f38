import type pg from 'pg';
import { BusinessRuleViolation, ConcurrencyError, NotFoundError } from '@bizosaas/ddd-kernel';
import type { Plan, PlanBody } from './plan-schema.ts';

const COLUMNS = `campaign_id AS "campaignId", version, audience, steps, send_rate_per_minute AS "sendRatePerMinute",
  frozen_at AS "frozenAt", updated_at AS "updatedAt"`;

/** The campaign's plan; undefined when none was saved. */
export async function findPlan(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  options: { forUpdate?: boolean; forShare?: boolean } = {},
): Promise<Plan | undefined> {
  const lock = options.forUpdate ? ' FOR UPDATE' : options.forShare ? ' FOR SHARE' : '';
  const { rows } = await client.query<Plan>(
    `SELECT ${COLUMNS} FROM plans WHERE tenant_id = $1 AND campaign_id = $2${lock}`,
    [tenantId, campaignId],
  );
  return rows[0];
}

export async function getPlan(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<Plan> {
  const plan = await findPlan(client, tenantId, campaignId);
  if (!plan) throw new NotFoundError(`Campaign ${campaignId} has no plan`, { campaignId });
  return plan;
}

/**
 * Saves the plan as its next version. A launched campaign's plan is frozen (its audience was
 * enrolled from it): 422. `expectedVersion` (0: no plan yet) guards against a lost update.
 */
export async function savePlan(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  body: PlanBody,
  userId: string | null,
  now: Date,
): Promise<Plan> {
  const current = await findPlan(client, tenantId, campaignId, { forUpdate: true });
  if (current?.frozenAt)
    throw new BusinessRuleViolation('plan_frozen', `The plan of campaign ${campaignId} was frozen at launch`, {
      frozenAt: current.frozenAt.toISOString(),
    });
  const actual = current?.version ?? 0;
  if (body.expectedVersion !== undefined && body.expectedVersion !== actual)
    throw new ConcurrencyError(body.expectedVersion, actual);
  const { rows } = await client.query<Plan>(
    `INSERT INTO plans (tenant_id, campaign_id, version, audience, steps, send_rate_per_minute, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET version = EXCLUDED.version, audience = EXCLUDED.audience,
       steps = EXCLUDED.steps, send_rate_per_minute = EXCLUDED.send_rate_per_minute,
       updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
     RETURNING ${COLUMNS}`,
    [
      tenantId,
      campaignId,
      actual + 1,
      JSON.stringify(body.audience),
      JSON.stringify(body.steps),
      body.sendRatePerMinute,
      userId,
      now,
    ],
  );
  return rows[0]!;
}

/** Marks the plan frozen by its launch event; false when there is none or it already was. */
export async function freezePlan(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  launch: { id: string; correlationId: string },
  at: Date,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE plans SET frozen_at = $3, launch_event_id = $4, correlation_id = $5
     WHERE tenant_id = $1 AND campaign_id = $2 AND frozen_at IS NULL`,
    [tenantId, campaignId, at, launch.id, launch.correlationId],
  );
  return rowCount === 1;
}

/** The launch a frozen plan's sends answer to (their events' cause and correlation). */
export async function launchCause(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
): Promise<{ id: string; correlationId: string } | undefined> {
  const { rows } = await client.query<{ id: string; correlationId: string }>(
    `SELECT launch_event_id AS id, correlation_id AS "correlationId" FROM plans
     WHERE tenant_id = $1 AND campaign_id = $2 AND launch_event_id IS NOT NULL`,
    [tenantId, campaignId],
  );
  return rows[0];
}
