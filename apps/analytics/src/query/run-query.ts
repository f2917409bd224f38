import type pg from 'pg';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { formatPosition } from '../kpis/as-of.ts';
import { toRangeView } from '../kpis/range-query.ts';
import { bucketLabel, bucketSeries } from '../time/buckets.ts';
import { toResults, type QueryResult } from './query-results.ts';
import { querySql, type QueryRow } from './query-sql.ts';
import type { QuerySpec } from './query-spec.ts';

export interface QueryAnswer {
  results: QueryResult[];
  /** Every bucket's label, empty ones included, when an interval is given; otherwise none. */
  buckets: string[];
  asOfPosition: string | null;
  range: ReturnType<typeof toRangeView>;
  timezone: string;
}

/** The buckets of a query (null without an interval); more than MAX_BUCKETS is a VALIDATION_ERROR naming `interval`. */
export const querySeries = (spec: QuerySpec): number[] | null =>
  spec.interval ? bucketSeries(spec.range.fromMs, spec.range.toMs, spec.interval, spec.range.timezone) : null;

/**
 * A tenant's time series: now from the minute rollups, or as of a log position from the facts
 * logged up to it (the same grouping, so both give the same figures for the same events). The
 * checkpoint read in the same statement comes back beside the answer so that a caller can refuse
 * a position not reached yet (answerAsOf does).
 */
export async function runQuery(
  client: pg.ClientBase,
  tenantId: string,
  spec: QuerySpec,
  asOf: GlobalCheckpoint | null,
): Promise<{ answer: QueryAnswer; checkpoint: GlobalCheckpoint | null }> {
  return readQuery(client, tenantId, spec, querySeries(spec), asOf);
}

/** runQuery with its series computed beforehand (a route refuses too many buckets before reading). */
export async function readQuery(
  client: pg.ClientBase,
  tenantId: string,
  spec: QuerySpec,
  series: readonly number[] | null,
  asOf: GlobalCheckpoint | null,
): Promise<{ answer: QueryAnswer; checkpoint: GlobalCheckpoint | null }> {
  const { rows } = await client.query<QueryRow>(querySql(tenantId, spec, asOf));
  const row = rows[0] as QueryRow;
  const position = asOf ?? row.cp;
  return {
    checkpoint: row.cp,
    answer: {
      results: toResults(spec, series, row),
      buckets: (series ?? []).map((start) => bucketLabel(start, spec.range.timezone)),
      asOfPosition: position && formatPosition(position),
      range: toRangeView(spec.range),
      timezone: spec.range.timezone,
    },
  };
}
