import type pg from 'pg';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { CAMPAIGN_STATUS } from '../projections/facts.ts';
import { CHECKPOINT_SQL, views } from '../projections/views.ts';
import { AT_RISK_THRESHOLD, type KpiInputs } from './kpi-definitions.ts';
import { rollupSegments } from './rollup-segments.ts';

export interface KpiQuery {
  readonly tenantId: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly timezone: string;
  readonly campaignId: string | null;
  /** Answer as of this log position (from the facts) instead of now (from the rollups). */
  readonly asOf: GlobalCheckpoint | null;
}

interface Row {
  cp: GlobalCheckpoint | null;
  m: { type: string; currency: string; events: number; amount: string }[];
  s: { at_risk: number; active: number };
  sp: { currency: string; spend: string }[];
}

const ACTIVE = Object.keys(CAMPAIGN_STATUS).filter((type) => CAMPAIGN_STATUS[type] === 'active');
// $1 tenant, $2 from, $3 to, $4 campaign or null, $5 time zone (the day an ads spend belongs to).
const DAY_IN_RANGE = `(day::timestamp AT TIME ZONE $5) >= $2 AND (day::timestamp AT TIME ZONE $5) < $3`;

// Now: the rollups (whole days, the hours and minutes at the edges: rollup-segments.ts) and the
// current states; one statement, so one snapshot with its checkpoint. $6..$15: the segments.
const inSegments = (column: string, first: number, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `(${column} >= $${first + 2 * i} AND ${column} < $${first + 2 * i + 1})`,
  ).join(' OR ');
const rollup = (table: string, column: string, first: number, count: number) =>
  `SELECT type, currency, events, amount FROM ${table}
    WHERE tenant_id = $1 AND (${inSegments(column, first, count)}) AND ($4::uuid IS NULL OR campaign_id = $4)`;
const LIVE_SQL = `
WITH m AS (SELECT type, currency, sum(events)::int AS events, sum(amount)::text AS amount
             FROM (${rollup(views.metric_minutes, 'minute', 6, 2)} UNION ALL ${rollup(views.metric_hours, 'hour', 10, 2)}
                   UNION ALL ${rollup(views.metric_days, 'day', 14, 1)}) r
            GROUP BY type, currency),
     s AS (SELECT (count(*) FILTER (WHERE kind = 'customer' AND value >= ${AT_RISK_THRESHOLD}))::int AS at_risk,
                  (count(*) FILTER (WHERE kind = 'campaign' AND status = 'active' AND ($4::uuid IS NULL OR entity_id = $4)))::int AS active
             FROM ${views.entity_states} WHERE tenant_id = $1),
     sp AS (SELECT currency, sum(spend)::text AS spend FROM ${views.spend_days}
             WHERE tenant_id = $1 AND $4::uuid IS NULL AND ${DAY_IN_RANGE} GROUP BY currency)
SELECT ${CHECKPOINT_SQL} AS cp, (SELECT coalesce(json_agg(m), '[]') FROM m) AS m,
       (SELECT row_to_json(s) FROM s) AS s, (SELECT coalesce(json_agg(sp), '[]') FROM sp) AS sp`;

// As of a position: the same figures from the facts logged up to it (latest fact per entity for states).
const AS_OF = `(log_xid, position) <= ($6::xid8, $7::bigint)`;
const latest = (where: string, columns: string, key: string) =>
  `SELECT DISTINCT ON (${key}) ${columns} FROM ${views.event_facts}
    WHERE tenant_id = $1 AND ${AS_OF} AND ${where} ORDER BY ${key}, log_xid DESC, position DESC, seq DESC`;
const AS_OF_SQL = `
WITH m AS (SELECT type, COALESCE(currency, '') AS currency, count(*)::int AS events, COALESCE(sum(amount), 0)::text AS amount
             FROM ${views.event_facts}
            WHERE tenant_id = $1 AND ${AS_OF} AND entity_key IS NULL AND occurred_at >= $2 AND occurred_at < $3
              AND ($4::uuid IS NULL OR campaign_id = $4) GROUP BY 1, 2),
     s AS (SELECT (SELECT count(*) FROM (${latest(`type = 'customer.churn_risk_updated'`, 'value', 'aggregate_id')}) c
                    WHERE value >= ${AT_RISK_THRESHOLD})::int AS at_risk,
                  (SELECT count(*) FROM (${latest(`type = ANY($8::text[]) AND ($4::uuid IS NULL OR aggregate_id = $4)`, 'type', 'aggregate_id')}) c
                    WHERE type = ANY($9::text[]))::int AS active),
     sp AS (SELECT currency, sum(amount)::text AS spend
              FROM (${latest('entity_key IS NOT NULL', 'currency, amount, fact_date AS day', 'entity_key')}) x
             WHERE $4::uuid IS NULL AND ${DAY_IN_RANGE} GROUP BY currency)
SELECT ${CHECKPOINT_SQL} AS cp, (SELECT coalesce(json_agg(m), '[]') FROM m) AS m,
       (SELECT row_to_json(s) FROM s) AS s, (SELECT coalesce(json_agg(sp), '[]') FROM sp) AS sp`;

function segmentValues(query: KpiQuery): Date[] {
  const { minutes, hours, days } = rollupSegments(query.fromMs, query.toMs);
  return [...minutes, ...hours, days].flatMap(([start, end]) => [new Date(start), new Date(end)]);
}

/** The KPI inputs of a tenant's range, with the checkpoint they are as of (null: nothing projected yet). */
export async function readKpiInputs(
  client: pg.ClientBase,
  query: KpiQuery,
): Promise<{ inputs: KpiInputs; checkpoint: GlobalCheckpoint | null }> {
  const base = [query.tenantId, new Date(query.fromMs), new Date(query.toMs), query.campaignId, query.timezone];
  const { rows } = query.asOf
    ? await client.query<Row>({
        name: 'analytics_kpis_as_of',
        text: AS_OF_SQL,
        values: [...base, query.asOf.transactionId, query.asOf.globalPosition, Object.keys(CAMPAIGN_STATUS), ACTIVE],
      })
    : await client.query<Row>({
        name: 'analytics_kpis_live',
        text: LIVE_SQL,
        values: [...base, ...segmentValues(query)],
      });
  const row = rows[0] as Row;
  const counts = new Map<string, number>();
  const sums = new Map<string, Map<string, string>>();
  for (const m of row.m) {
    counts.set(m.type, (counts.get(m.type) ?? 0) + m.events);
    const byCurrency = sums.get(m.type) ?? new Map<string, string>();
    byCurrency.set(m.currency, m.amount);
    sums.set(m.type, byCurrency);
  }
  return {
    checkpoint: row.cp,
    inputs: {
      counts,
      sums,
      customersAtRisk: row.s.at_risk,
      campaignsActive: row.s.active,
      spend: new Map(row.sp.map((s) => [s.currency, s.spend])),
    },
  };
}
