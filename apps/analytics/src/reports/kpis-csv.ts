import { stringify } from 'csv-stringify/sync';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { computeKpis, KPI_NAMES } from '../kpis/kpi-definitions.ts';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { readKpiInputs } from '../kpis/read-kpi-inputs.ts';
import type { ReportOutput } from './report-output.ts';

type KpiValue = ReturnType<typeof computeKpis>[keyof ReturnType<typeof computeKpis>];

/** A KPI as CSV rows [name, value, currency]: money one row per currency (none: an empty value), as GET /kpis gives it. */
function kpiRows(name: string, value: KpiValue): (string | null)[][] {
  if (!Array.isArray(value)) return [[name, value === null ? null : String(value), null]];
  if (value.length === 0) return [[name, null, null]];
  return value.map((entry) => [name, 'ratio' in entry ? entry.ratio : entry.amount, entry.currency]);
}

/** The tenant's KPIs of a range (the app role, under the tenant's row-level security), one row per KPI. */
export async function kpisCsv(
  pool: pg.Pool,
  selection: { tenantId: string; campaignId: string | null; range: ResolvedRange },
): Promise<ReportOutput> {
  const { tenantId, campaignId, range } = selection;
  const { inputs, checkpoint } = await withTransaction(
    pool,
    (client) => readKpiInputs(client, { tenantId, ...range, campaignId, asOf: null }),
    { tenantId },
  );
  const kpis = computeKpis(inputs);
  const records = KPI_NAMES.flatMap((name) => kpiRows(name, kpis[name]));
  const csv = stringify(records, { header: true, columns: ['name', 'value', 'currency'] });
  return { csv: Buffer.from(csv), rows: records.length, chartSvg: null, checkpoint };
}
