import type pg from 'pg';

/** A campaign's counts as this service records them; spend is a decimal string. */
export interface KpiCounts {
  enrolled: number;
  sent: number;
  opened: number;
  clicked: number;
  converted: number;
  spend: string;
}

// Every count by the time its fact happened, so the counts at a change are the same whenever (and
// however often) the change's event is consumed. sent as the executions' progress counts it
// (accepted, not suppressed). A ledger entry's amount is its last one: a day an ad platform
// re-synced after the change counts with its newer total.
const COUNTS = `SELECT e.enrolled, s.sent, s.opened, s.clicked, e.converted, coalesce(m.spend, 0)::text AS spend
FROM (SELECT count(*) FILTER (WHERE status <> 'skipped' AND ($3::timestamptz IS NULL OR enrolled_at <= $3))::int AS enrolled,
        count(*) FILTER (WHERE converted_at <= coalesce($3::timestamptz, 'infinity'))::int AS converted
      FROM enrolments WHERE tenant_id = $1 AND campaign_id = $2) e,
     (SELECT count(*) FILTER (WHERE state = 'accepted' AND message_status IS DISTINCT FROM 'suppressed'
          AND ($3::timestamptz IS NULL OR accepted_at <= $3))::int AS sent,
        count(*) FILTER (WHERE opened_at <= coalesce($3::timestamptz, 'infinity'))::int AS opened,
        count(*) FILTER (WHERE clicked_at <= coalesce($3::timestamptz, 'infinity'))::int AS clicked
      FROM sends WHERE tenant_id = $1 AND campaign_id = $2) s,
     (SELECT sum(amount) AS spend FROM spend_entries
      WHERE tenant_id = $1 AND campaign_id = $2 AND ($3::timestamptz IS NULL OR recorded_at <= $3)) m`;

/** The campaign's counts as they stood at `at`, or as they stand now (`at` null). */
export async function kpiCounts(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  at: string | null,
): Promise<KpiCounts> {
  const { rows } = await client.query<KpiCounts>(COUNTS, [tenantId, campaignId, at]);
  return rows[0]!;
}
