import type pg from 'pg';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { AT_RISK_THRESHOLD, KPI_DEFINITIONS, type KpiName } from '../kpis/kpi-definitions.ts';
import type { KpiQuery } from '../kpis/read-kpi-inputs.ts';
import { CAMPAIGN_STATUS } from '../projections/facts.ts';
import { analyticsProjection } from '../projections/analytics-projection.ts';
import { CHECKPOINT_SQL, CHECKPOINTS, views } from '../projections/views.ts';

export interface LineageEvent {
  eventId: string;
  type: string;
  aggregateId: string;
  subjectId: string;
  occurredAt: string;
  correlationId: string | null;
  position: string;
}

// $1 tenant, $2 from, $3 to, $4 campaign, $5 zone, $6/$7 the position given (null: the checkpoint's).
const AS_OF = `(log_xid, position) <= (COALESCE($6::xid8, (SELECT x FROM cpv)), COALESCE($7::bigint, (SELECT g FROM cpv)))`;
const COLUMNS = 'event_id, type, aggregate_id, subject_id, occurred_at, correlation_id, log_xid, position';
const latestPer = (key: string, where: string) =>
  `SELECT DISTINCT ON (${key}) ${COLUMNS}, value, fact_date FROM ${views.event_facts}
    WHERE tenant_id = $1 AND ${AS_OF} AND ${where} ORDER BY ${key}, log_xid DESC, position DESC, seq DESC`;
const literalList = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
const ACTIVE = Object.keys(CAMPAIGN_STATUS).filter((type) => CAMPAIGN_STATUS[type] === 'active');

/** The SQL selecting the facts behind one KPI (a ratio: behind both of its parts). */
function partSql(name: KpiName): string {
  const definition = KPI_DEFINITIONS[name];
  if ('of' in definition) return definition.of.map((part) => partSql(part as KpiName)).join(' UNION ALL ');
  const types = literalList(definition.types);
  switch (definition.kind) {
    case 'count':
    case 'sum':
      return `SELECT ${COLUMNS} FROM ${views.event_facts} WHERE tenant_id = $1 AND ${AS_OF} AND entity_key IS NULL
                AND type IN (${types}) AND occurred_at >= $2 AND occurred_at < $3 AND ($4::uuid IS NULL OR campaign_id = $4)`;
    case 'state':
      return name === 'customersAtRisk'
        ? `SELECT ${COLUMNS} FROM (${latestPer('aggregate_id', `type IN (${types})`)}) s WHERE value >= ${AT_RISK_THRESHOLD}`
        : `SELECT ${COLUMNS} FROM (${latestPer('aggregate_id', `type IN (${types}) AND ($4::uuid IS NULL OR aggregate_id = $4)`)}) s
            WHERE type IN (${literalList(ACTIVE)})`;
    case 'spend':
      return `SELECT ${COLUMNS} FROM (${latestPer('entity_key', 'entity_key IS NOT NULL')}) s
               WHERE $4::uuid IS NULL AND (fact_date::timestamp AT TIME ZONE $5) >= $2 AND (fact_date::timestamp AT TIME ZONE $5) < $3`;
  }
}

/**
 * The events behind a KPI of a range as of a position (default: what the projections have
 * reached, read in the same statement), in log order, a page after `after`.
 */
export async function readLineage(
  client: pg.ClientBase,
  metric: KpiName,
  query: KpiQuery,
  page: { after: GlobalCheckpoint | null; limit: number },
): Promise<{ events: LineageEvent[]; checkpoint: GlobalCheckpoint | null }> {
  // cpv also types every parameter, whichever the KPI's parts use.
  const sql = `WITH cpv AS (SELECT transaction_id AS x, global_position AS g,
      $2::timestamptz AS f, $3::timestamptz AS t, $4::uuid AS c, $5::text AS z
      FROM ${CHECKPOINTS} WHERE projection = '${analyticsProjection.name}'),
    parts AS (SELECT DISTINCT ON (event_id) * FROM (${partSql(metric)}) p ORDER BY event_id),
    page AS (SELECT * FROM parts WHERE ($8::xid8 IS NULL OR (log_xid, position) > ($8::xid8, $9::bigint))
              ORDER BY log_xid, position LIMIT $10)
    SELECT ${CHECKPOINT_SQL} AS cp, page.* FROM (SELECT 1) one LEFT JOIN page ON true ORDER BY page.log_xid, page.position`;
  const position = query.asOf;
  const rows = await client.query<{
    cp: GlobalCheckpoint | null;
    event_id: string | null;
    type: string;
    aggregate_id: string;
    subject_id: string;
    occurred_at: Date;
    correlation_id: string | null;
    log_xid: string;
    position: string;
  }>(sql, [
    query.tenantId,
    new Date(query.fromMs),
    new Date(query.toMs),
    query.campaignId,
    query.timezone,
    position?.transactionId ?? null,
    position?.globalPosition ?? null,
    page.after?.transactionId ?? null,
    page.after?.globalPosition ?? null,
    page.limit,
  ]);
  return {
    checkpoint: rows.rows[0]?.cp ?? null,
    events: rows.rows.flatMap((r) =>
      r.event_id === null
        ? []
        : [
            {
              eventId: r.event_id,
              type: r.type,
              aggregateId: r.aggregate_id,
              subjectId: r.subject_id,
              occurredAt: r.occurred_at.toISOString(),
              correlationId: r.correlation_id,
              position: `${r.log_xid}:${r.position}`,
            },
          ],
    ),
  };
}
