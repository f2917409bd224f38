import type pg from 'pg';
import type { Move } from './plan-round.ts';

/**
 * Writes the round's moves in two statements: each enrolment's next step and due time (no due
 * time: its journey is done) with its lease released, and the steps skipped with their reason.
 * `streamVersions` carries the enrolment streams that got events this round.
 */
export async function applyMoves(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  moves: readonly Move[],
  streamVersions: ReadonlyMap<string, number>,
  now: Date,
): Promise<void> {
  if (moves.length === 0) return;
  // The ANY repeats the join's keys: right after a launch the planner's statistics know nothing
  // of the campaign and expect a handful of its rows, so it hashed them all (100,000 a round for
  // a 100,000-recipient launch); filtered by the ANY, the hash holds this round's rows only.
  await client.query(
    `UPDATE enrolments e SET step_index = u.step_index, due_at = u.due_at,
       status = CASE WHEN u.due_at IS NULL THEN 'done' ELSE 'active' END,
       reason = coalesce(u.reason, e.reason), stream_version = coalesce(u.stream_version, e.stream_version),
       lease_until = NULL, updated_at = $3
     FROM unnest($4::uuid[], $5::int[], $6::timestamptz[], $7::text[], $8::int[])
       AS u(contact_id, step_index, due_at, reason, stream_version)
     WHERE e.tenant_id = $1 AND e.campaign_id = $2 AND e.contact_id = u.contact_id AND e.contact_id = ANY($4::uuid[])`,
    [
      tenantId,
      campaignId,
      now,
      moves.map((m) => m.enrolment.contactId),
      moves.map((m) => m.stepIndex),
      moves.map((m) => m.dueAt),
      moves.map((m) => m.reason),
      moves.map((m) => streamVersions.get(m.enrolment.contactId) ?? null),
    ],
  );
  const skips = moves.filter((m) => m.skip);
  if (skips.length === 0) return;
  await client.query(
    `INSERT INTO skips (tenant_id, campaign_id, step_id, contact_id, reason, detail, at)
     SELECT $1, $2, u.step_id, u.contact_id, u.reason, u.detail, $3
     FROM unnest($4::text[], $5::uuid[], $6::text[], $7::text[]) AS u(step_id, contact_id, reason, detail)
     ON CONFLICT DO NOTHING`,
    [
      tenantId,
      campaignId,
      now,
      skips.map((m) => m.skip!.stepId),
      skips.map((m) => m.enrolment.contactId),
      skips.map((m) => m.skip!.reason),
      skips.map((m) => m.skip!.detail ?? null),
    ],
  );
}
