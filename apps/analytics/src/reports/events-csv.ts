import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { analyticsProjection } from '../projections/analytics-projection.ts';
import { CHECKPOINTS, views } from '../projections/views.ts';
import type { ReportOutput } from './report-output.ts';

export const EVENT_COLUMNS = [
  'eventId',
  'type',
  'subjectId',
  'occurredAt',
  'correlationId',
  'campaignId',
  'source',
  'amount',
  'currency',
  'position',
] as const;

export interface EventsSelection {
  tenantId: string;
  /** null: every type. */
  types: readonly string[] | null;
  campaignId: string | null;
  range: ResolvedRange;
}

interface FactRow {
  cp_x: string | null;
  cp_g: string | null;
  event_id: string | null;
  type: string;
  subject_id: string;
  occurred_at: Date;
  correlation_id: string | null;
  campaign_id: string | null;
  source: string | null;
  amount: string | null;
  currency: string | null;
  log_xid: string;
  position: string;
}

// The worker role reads every tenant's facts: the tenant is filtered here ($1), explicitly. The
// checkpoint comes with every row (the LEFT JOIN gives one row even with no facts), read in the
// same statement as the facts, so the CSV is exactly as of it. One event, one row (its first fact).
const SQL = `WITH cp AS (SELECT transaction_id AS x, global_position AS g FROM ${CHECKPOINTS}
                          WHERE projection = '${analyticsProjection.name}')
SELECT cp.x::text AS cp_x, cp.g::text AS cp_g, f.* FROM (SELECT 1) one LEFT JOIN cp ON true
  LEFT JOIN LATERAL (
    SELECT DISTINCT ON (log_xid, position) event_id, type, subject_id, occurred_at, correlation_id, campaign_id, source,
           amount::text AS amount, currency, log_xid::text AS log_xid, position::text AS position
      FROM ${views.event_facts}
     WHERE tenant_id = $1 AND entity_key IS NULL AND occurred_at >= $2 AND occurred_at < $3
       AND ($4::text[] IS NULL OR type = ANY($4)) AND ($5::uuid IS NULL OR campaign_id = $5)
       AND (log_xid, position) <= (cp.x, cp.g)
     ORDER BY log_xid, position, seq) f ON true`;

/**
 * The events of a tenant's range as CSV, streamed from PostgreSQL (a cursor, 500 rows a read)
 * through csv-stringify into one buffer; more than `maxRows` rows fails the report.
 */
export async function eventsCsv(worker: pg.Pool, selection: EventsSelection, maxRows: number): Promise<ReportOutput> {
  const client = await worker.connect();
  let checkpoint: ReportOutput['checkpoint'] = null;
  let rows = 0;
  const chunks: Buffer[] = [];
  const toRecord = new Transform({
    objectMode: true,
    transform(row: FactRow, _encoding, done) {
      if (row.cp_x !== null && row.cp_g !== null) checkpoint = { transactionId: row.cp_x, globalPosition: row.cp_g };
      if (row.event_id === null) return done();
      if (++rows > maxRows)
        return done(new BusinessRuleViolation('REPORT_TOO_LARGE', `A report has at most ${maxRows} rows`, { maxRows }));
      done(null, [
        row.event_id,
        row.type,
        row.subject_id,
        row.occurred_at.toISOString(),
        row.correlation_id,
        row.campaign_id,
        row.source,
        row.amount,
        row.currency,
        `${row.log_xid}:${row.position}`,
      ]);
    },
  });
  let failed: Error | undefined;
  try {
    const { tenantId, types, campaignId, range } = selection;
    const values = [tenantId, new Date(range.fromMs), new Date(range.toMs), types, campaignId];
    const stream = client.query(new QueryStream(SQL, values, { batchSize: 500 }));
    await pipeline(stream, toRecord, stringify({ header: true, columns: [...EVENT_COLUMNS] }), async (csv) => {
      for await (const chunk of csv) chunks.push(Buffer.from(chunk as string));
    });
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    // A connection left in the middle of a cursor is not given back to the pool.
    client.release(failed);
  }
  return { csv: Buffer.concat(chunks), rows, chartSvg: null, checkpoint };
}
