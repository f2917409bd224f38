import { Decimal } from 'decimal.js';
import type { Money } from '../kpis/kpi-definitions.ts';
import { bucketLabel, bucketStart } from '../time/buckets.ts';
import type { FigureRow, SubjectRow } from './query-sql.ts';
import { METRICS, type Dimension, type QuerySpec } from './query-spec.ts';

export type MetricValue = number | Money[];

export interface QueryResult {
  /** bucketLabel of the bucket (ISO 8601 local time with offset); null without an interval. */
  bucket: string | null;
  dimensions: Partial<Record<Dimension, string | null>>;
  metrics: Record<string, MetricValue>;
}

interface Cell {
  counts: Map<string, number>;
  sums: Map<string, Map<string, Decimal>>;
  subjects: number;
}

// Sums of many 19-digit amounts outgrow decimal.js's default 20 significant digits.
const Exact = Decimal.clone({ precision: 60 });

type Grouped = Pick<FigureRow, 'b' | 'et' | 'src' | 'cmp'>;
const COLUMN = { eventType: 'et', source: 'src', campaignId: 'cmp' } as const;

/**
 * The rows of a query as results: with an interval every bucket of `series` appears for every
 * dimension combination that has data (zeros filled); without dimensions, every bucket.
 */
export function toResults(
  spec: QuerySpec,
  series: readonly number[] | null,
  rows: { r: readonly FigureRow[]; s: readonly SubjectRow[] },
): QueryResult[] {
  const zone = spec.range.timezone;
  const buckets = series ?? [null];
  const { combos, cells } = groupRows(spec, new Set(buckets), rows);
  const sorted = [...combos].sort(([, a], [, b]) => compareDims(a, b));
  return buckets.flatMap((bucket) =>
    sorted.map(([combo, dims]) => ({
      bucket: bucket === null ? null : bucketLabel(bucket, zone),
      dimensions: Object.fromEntries(spec.dimensions.map((d, i) => [d, dims[i] ?? null])),
      metrics: metricsOf(spec.metrics, cells.get(`${String(bucket)}|${combo}`)),
    })),
  );
}

// Cells keyed by bucket and dimension combination; combos are every combination that has data.
function groupRows(
  spec: QuerySpec,
  buckets: ReadonlySet<number | null>,
  rows: { r: readonly FigureRow[]; s: readonly SubjectRow[] },
) {
  const combos = new Map<string, (string | null)[]>();
  if (spec.dimensions.length === 0) combos.set('[]', []);
  const cells = new Map<string, Cell>();
  const cellOf = (row: Grouped) => {
    const dims = spec.dimensions.map((d) => row[COLUMN[d]]);
    const combo = JSON.stringify(dims);
    combos.set(combo, dims);
    // A row's bucket is PostgreSQL's date_trunc, which bucketStart equals: a bucket outside the series is a bug, not data to drop.
    const bucket = spec.interval && row.b !== null ? bucketStart(row.b, spec.interval, spec.range.timezone) : null;
    if (!buckets.has(bucket)) throw new Error(`Bucket ${String(row.b)} is not in the series of ${spec.range.timezone}`);
    const key = `${String(bucket)}|${combo}`;
    const cell = cells.get(key) ?? { counts: new Map(), sums: new Map(), subjects: 0 };
    cells.set(key, cell);
    return cell;
  };
  for (const row of rows.r) addFigures(spec.metrics, cellOf(row), row);
  for (const row of rows.s) cellOf(row).subjects += row.subjects;
  return { combos, cells };
}

function addFigures(metrics: readonly string[], cell: Cell, row: FigureRow) {
  for (const name of metrics) {
    const metric = METRICS.get(name);
    if (!metric || metric.kind === 'subjects') continue;
    if (metric.types !== null && !metric.types.includes(row.type)) continue;
    if (metric.kind === 'count') cell.counts.set(name, (cell.counts.get(name) ?? 0) + Number(row.events));
    else if (row.currency !== '') {
      const byCurrency = cell.sums.get(name) ?? new Map<string, Decimal>();
      byCurrency.set(row.currency, (byCurrency.get(row.currency) ?? new Exact(0)).plus(row.amount));
      cell.sums.set(name, byCurrency);
    }
  }
}

// Money as the KPI route gives it: 2 places, one entry per currency, sorted by currency.
function metricsOf(metrics: readonly string[], cell: Cell | undefined): Record<string, MetricValue> {
  return Object.fromEntries(
    metrics.map((name): [string, MetricValue] => {
      const kind = METRICS.get(name)?.kind;
      if (kind === 'subjects') return [name, cell?.subjects ?? 0];
      if (kind === 'count') return [name, cell?.counts.get(name) ?? 0];
      const sums = [...(cell?.sums.get(name) ?? new Map<string, Decimal>())];
      return [
        name,
        sums
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([currency, amount]) => ({ amount: amount.toFixed(2), currency })),
      ];
    }),
  );
}

// Dimension values in code-point order (the same in every locale), a missing value last.
function compareDims(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
