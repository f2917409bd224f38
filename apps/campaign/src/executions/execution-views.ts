import type pg from 'pg';
import { z } from 'zod';
import { NotFoundError } from '@bizosaas/ddd-kernel';

export const progressView = z.object({
  enrolled: z.int().describe('Recipients who entered (the frozen audience, less re-entry skips)'),
  sent: z.int().describe('Messages notification accepted and did not suppress'),
  delivered: z.int(),
  opened: z.int(),
  clicked: z.int(),
  bounced: z.int(),
  failed: z.int(),
  suppressed: z.int(),
  skipped: z.int().describe('Steps not sent: capped, no address, left the audience, rejected'),
  converted: z.int(),
  pending: z.int().describe('Recipients still on their way through the plan'),
});

export const executionView = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  channel: z.string(),
  status: z.enum(['running', 'paused', 'completed']),
  planVersion: z.int(),
  audienceSize: z.int(),
  version: z.int(),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  endReason: z.string().nullable(),
  progress: progressView,
});
export type ExecutionView = z.output<typeof executionView>;

// Counts per execution from the enrolments of its campaign and the sends of its channel, in one statement.
const SELECT = `SELECT x.execution_id AS id, x.campaign_id AS "campaignId", x.channel, x.status, x.plan_version AS "planVersion",
  x.audience_size AS "audienceSize", x.version, x.started_at AS "startedAt", x.ended_at AS "endedAt", x.end_reason AS "endReason",
  json_build_object(
    'enrolled', e.enrolled, 'converted', e.converted, 'pending', e.pending,
    'sent', s.sent, 'delivered', s.delivered, 'opened', s.opened, 'clicked', s.clicked, 'bounced', s.bounced,
    'failed', s.failed, 'suppressed', s.suppressed, 'skipped', k.skipped) AS progress
FROM executions x
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE status <> 'skipped')::int AS enrolled, count(converted_at)::int AS converted,
    count(*) FILTER (WHERE status = 'active')::int AS pending
  FROM enrolments WHERE tenant_id = x.tenant_id AND campaign_id = x.campaign_id) e
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE state = 'accepted' AND message_status IS DISTINCT FROM 'suppressed')::int AS sent,
    count(delivered_at)::int AS delivered, count(opened_at)::int AS opened, count(clicked_at)::int AS clicked,
    count(bounced_at)::int AS bounced, count(failed_at)::int AS failed,
    count(*) FILTER (WHERE message_status = 'suppressed')::int AS suppressed
  FROM sends WHERE tenant_id = x.tenant_id AND campaign_id = x.campaign_id AND channel = x.channel) s
CROSS JOIN LATERAL (
  SELECT count(*)::int AS skipped FROM skips k WHERE k.tenant_id = x.tenant_id AND k.campaign_id = x.campaign_id
    AND k.reason <> 'suppressed'
    AND EXISTS (SELECT 1 FROM plans p, jsonb_array_elements(p.steps) st
      WHERE p.tenant_id = k.tenant_id AND p.campaign_id = k.campaign_id AND st ->> 'id' = k.step_id AND st ->> 'channel' = x.channel)) k`;

export interface ListQuery {
  campaignId?: string | undefined;
  status?: 'running' | 'paused' | 'completed' | undefined;
  limit: number;
  /** The last execution of the previous page: `<startedAt ISO>_<id>`. */
  cursor?: string | undefined;
}

/** Executions newest first (then by id), a page at a time. */
export async function listExecutions(
  client: pg.ClientBase,
  tenantId: string,
  query: ListQuery,
): Promise<{ executions: ExecutionView[]; nextCursor: string | null }> {
  const [after, afterId] = query.cursor ? query.cursor.split('_') : [null, null];
  const { rows } = await client.query<ExecutionView>(
    `${SELECT} WHERE x.tenant_id = $1 AND ($2::uuid IS NULL OR x.campaign_id = $2) AND ($3::text IS NULL OR x.status = $3)
       AND ($4::timestamptz IS NULL OR (x.started_at, x.execution_id) < ($4::timestamptz, $5::uuid))
     ORDER BY x.started_at DESC, x.execution_id DESC LIMIT $6`,
    [tenantId, query.campaignId ?? null, query.status ?? null, after, afterId, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    executions: page,
    nextCursor: rows.length > query.limit && last ? `${last.startedAt.toISOString()}_${last.id}` : null,
  };
}

export async function getExecution(
  client: pg.ClientBase,
  tenantId: string,
  executionId: string,
): Promise<ExecutionView> {
  const { rows } = await client.query<ExecutionView>(`${SELECT} WHERE x.tenant_id = $1 AND x.execution_id = $2`, [
    tenantId,
    executionId,
  ]);
  if (!rows[0]) throw new NotFoundError(`Execution ${executionId} not found`, { executionId });
  return rows[0];
}
