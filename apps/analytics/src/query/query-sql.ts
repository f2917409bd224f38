import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { NO_CAMPAIGN } from '../projections/analytics-projection.ts';
import { CHECKPOINT_SQL, views } from '../projections/views.ts';
import { DIMENSIONS, METRICS, type Dimension, type QueryFilter, type QuerySpec } from './query-spec.ts';

/** One group of the rollup (or of the facts as of a position): a bucket, dimensions, a type and a currency. */
export interface FigureRow {
  /** Bucket start, epoch ms (date_trunc in the zone); null without an interval. */
  b: number | null;
  et: string | null;
  src: string | null;
  cmp: string | null;
  type: string;
  /** '' when the events carry no money. */
  currency: string;
  events: number;
  /** Decimal string. */
  amount: string;
}

/** Distinct subjects of one bucket and dimension group. */
export interface SubjectRow {
  b: number | null;
  et: string | null;
  src: string | null;
  cmp: string | null;
  subjects: number;
}

export interface QueryRow {
  cp: GlobalCheckpoint | null;
  r: FigureRow[];
  s: SubjectRow[];
}

type Source = 'rollup' | 'facts';

// Both sources give a dimension the same value: no campaign and no source are null.
const DIMENSION_SQL: Record<Source, Record<Dimension, string>> = {
  rollup: {
    eventType: 'type',
    source: `NULLIF(source, '')`,
    campaignId: `NULLIF(campaign_id, '${NO_CAMPAIGN}'::uuid)::text`,
  },
  facts: { eventType: 'type', source: `NULLIF(source, '')`, campaignId: 'campaign_id::text' },
};
const ALIAS: Record<Dimension, string> = { eventType: 'et', source: 'src', campaignId: 'cmp' };

/** The one statement answering a query, with its parameters: figures, subjects and checkpoint in one snapshot. */
export function querySql(
  tenantId: string,
  spec: QuerySpec,
  asOf: GlobalCheckpoint | null,
): { text: string; values: unknown[] } {
  const { range } = spec;
  // $1 tenant, $2 from, $3 to, $4 interval (null: no bucket), $5 zone, $6 types (null: all), [$7, $8 position].
  const values: unknown[] = [
    tenantId,
    new Date(range.fromMs),
    new Date(range.toMs),
    spec.interval ?? null,
    range.timezone,
    eventTypes(spec),
  ];
  if (asOf) values.push(asOf.transactionId, asOf.globalPosition);
  const statement: Statement = { spec, asOf: asOf !== null, param: (value) => `$${values.push(value)}` };
  // Distinct subjects cannot be added up from minutes: they are counted on the facts, grouped alike.
  const subjects = spec.metrics.includes('subjects')
    ? `SELECT ${groupsSql(statement, 'facts')}, count(DISTINCT subject_id)::int AS subjects
         FROM ${factsSql(statement)} GROUP BY 1, 2, 3, 4`
    : `SELECT NULL::bigint AS b, NULL::text AS et, NULL::text AS src, NULL::text AS cmp, 0 AS subjects WHERE false`;
  const text = `WITH r AS (${figuresSql(statement)}), s AS (${subjects})
SELECT ${CHECKPOINT_SQL} AS cp, (SELECT coalesce(json_agg(r), '[]') FROM r) AS r,
       (SELECT coalesce(json_agg(s), '[]') FROM s) AS s`;
  return { text, values };
}

interface Statement {
  readonly spec: QuerySpec;
  /** As of a position: everything from the facts logged up to it ($7, $8). */
  readonly asOf: boolean;
  /** Adds a parameter, answering its placeholder. */
  readonly param: (value: unknown) => string;
}

// Events and sums per bucket, dimensions, type and currency: the minute rollups now, the facts as of a position.
function figuresSql(statement: Statement): string {
  const types = `($6::text[] IS NULL OR type = ANY($6::text[]))`;
  if (statement.asOf)
    return `SELECT ${groupsSql(statement, 'facts')}, type, COALESCE(currency, '') AS currency, count(*) AS events,
              COALESCE(sum(amount), 0)::text AS amount
         FROM ${factsSql(statement)} AND ${types} GROUP BY 1, 2, 3, 4, 5, 6`;
  return `SELECT ${groupsSql(statement, 'rollup')}, type, currency, sum(events)::bigint AS events, sum(amount)::text AS amount
         FROM ${views.metric_minutes}
        WHERE tenant_id = $1 AND minute >= $2 AND minute < $3 AND ${types}${filtersSql(statement, 'rollup')}
        GROUP BY 1, 2, 3, 4, 5, 6`;
}

// The facts of the range that the rollups count (ads spend facts are not events of a minute), filtered.
function factsSql(statement: Statement): string {
  return `${views.event_facts} WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND entity_key IS NULL
      ${statement.asOf ? 'AND (log_xid, position) <= ($7::xid8, $8::bigint)' : ''}${filtersSql(statement, 'facts')}`;
}

// The bucket (epoch ms of date_trunc in the zone; null without an interval) and the dimensions asked for.
function groupsSql({ spec }: Statement, source: Source): string {
  const time = source === 'facts' ? 'occurred_at' : 'minute';
  return [
    `(extract(epoch FROM date_trunc($4::text, ${time}, $5::text)) * 1000)::bigint AS b`,
    ...DIMENSIONS.map((d) => `${spec.dimensions.includes(d) ? DIMENSION_SQL[source][d] : 'NULL::text'} AS ${ALIAS[d]}`),
  ].join(', ');
}

function filtersSql({ spec, param }: Statement, source: Source): string {
  return spec.filters.map((filter) => filterSql(DIMENSION_SQL[source][filter.dimension], filter, param)).join('');
}

/** The event types the metrics read; null when one of them reads every event. */
function eventTypes(spec: QuerySpec): string[] | null {
  const types = new Set<string>();
  for (const name of spec.metrics) {
    const metric = METRICS.get(name);
    if (!metric || metric.kind === 'subjects' || metric.types === null) return null;
    for (const type of metric.types) types.add(type);
  }
  return [...types];
}

// A filter's value is always a parameter; a missing dimension (null) differs from every value.
function filterSql(column: string, filter: QueryFilter, param: (value: unknown) => string): string {
  const normal = (value: string) => (filter.dimension === 'campaignId' ? value.toLowerCase() : value);
  if (filter.op === 'in') return ` AND ${column} = ANY(${param(filter.value.map(normal))}::text[])`;
  const value = `${param(normal(filter.value))}::text`;
  return filter.op === 'eq' ? ` AND ${column} = ${value}` : ` AND ${column} IS DISTINCT FROM ${value}`;
}
