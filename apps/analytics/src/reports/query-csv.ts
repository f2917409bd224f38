import { stringify } from 'csv-stringify/sync';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { renderLineChartSvg } from './chart-svg.ts';
import type { ReportOutput } from './report-output.ts';

type Money = { amount: string; currency: string };
export interface SeriesRow {
  bucket: string | null;
  dimensions: Partial<Record<string, string | null>>;
  metrics: Record<string, number | readonly Money[]>;
}

/**
 * Computes a time series for a report on the tenant's transaction: the query endpoint's core
 * (wired by the app), given the saved definition and the report's range.
 */
export type RunQuery = (
  client: pg.ClientBase,
  tenantId: string,
  spec: { definition: Record<string, unknown>; range: ResolvedRange },
  asOf: GlobalCheckpoint | null,
) => Promise<{ answer: { results: readonly SeriesRow[] }; checkpoint: GlobalCheckpoint | null }>;

const moneyText = (list: readonly Money[]) => list.map((m) => `${m.amount} ${m.currency}`).join('; ');
const groupOf = (row: SeriesRow, dimensions: readonly string[]) =>
  dimensions.map((d) => row.dimensions[d] ?? '-').join(' / ');

/** One chart line per metric (and per group of dimensions; money: per currency), bucket by bucket. */
function chartOf(
  title: string,
  results: readonly SeriesRow[],
  metrics: readonly string[],
  dimensions: readonly string[],
) {
  const lines = new Map<string, { label: string; value: number }[]>();
  const add = (name: string, label: string, value: number) =>
    lines.set(name, [...(lines.get(name) ?? []), { label, value }]);
  for (const row of results) {
    const label = row.bucket ?? 'all';
    const group = dimensions.length > 0 ? ` (${groupOf(row, dimensions)})` : '';
    for (const metric of metrics) {
      const value = row.metrics[metric];
      if (typeof value === 'number') add(`${metric}${group}`, label, value);
      // Plotting only: the CSV keeps the exact decimal amounts.
      else for (const m of value ?? []) add(`${metric} ${m.currency}${group}`, label, Number(m.amount));
    }
  }
  return renderLineChartSvg({ title, series: [...lines].map(([name, points]) => ({ name, points })) });
}

/** A time series report: one CSV row per result (bucket, dimensions, metrics) and its line chart. */
export async function queryCsv(
  pool: pg.Pool,
  runQuery: RunQuery,
  input: { tenantId: string; name: string; definition: Record<string, unknown>; range: ResolvedRange },
): Promise<ReportOutput> {
  const { tenantId, definition, range } = input;
  const { answer, checkpoint } = await withTransaction(
    pool,
    (client) => runQuery(client, tenantId, { definition, range }, null),
    { tenantId },
  );
  const { results } = answer;
  const dimensions = [...new Set(results.flatMap((r) => Object.keys(r.dimensions)))];
  const metrics = [...new Set(results.flatMap((r) => Object.keys(r.metrics)))];
  const records = results.map((row) => [
    row.bucket,
    ...dimensions.map((d) => row.dimensions[d] ?? null),
    ...metrics.map((m) => {
      const value = row.metrics[m];
      return typeof value === 'number' ? String(value) : moneyText(value ?? []);
    }),
  ]);
  const csv = stringify(records, { header: true, columns: ['bucket', ...dimensions, ...metrics] });
  return {
    csv: Buffer.from(csv),
    rows: records.length,
    chartSvg: chartOf(input.name, results, metrics, dimensions),
    checkpoint,
  };
}
