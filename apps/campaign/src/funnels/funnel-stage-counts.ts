import { Decimal } from 'decimal.js';
import type pg from 'pg';
import { compileAudienceFilter } from '../audience/compile-audience-filter.ts';
import type { Funnel, StageCounts } from './funnel-schemas.ts';

/**
 * The live count of each stage: leads whose current status is the stage's or any later stage's
 * (a converted lead went through qualified). One statement, so every stage is counted from the
 * same snapshot.
 */
export async function stageCounts(
  client: pg.ClientBase,
  tenantId: string,
  funnel: Funnel,
  asOf: Date,
): Promise<StageCounts> {
  const reached = funnel.stages.map((_, i) => [...new Set(funnel.stages.slice(i).flatMap((s) => s.statuses))]);
  const { where, params } = compileAudienceFilter(funnel.filter ?? {}, reached.length + 2);
  const counts = reached.map((_, i) => `count(*) FILTER (WHERE status = ANY($${i + 2}::text[]))::int AS "${i}"`);
  const { rows } = await client.query<Record<string, number>>(
    `SELECT ${counts.join(', ')} FROM contacts
     WHERE tenant_id = $1 AND kind = 'lead' AND status = ANY($2::text[]) AND (${where})`,
    [tenantId, ...reached, ...params],
  );
  const row = rows[0] ?? {};
  const count = (i: number) => row[String(i)] ?? 0;
  return {
    funnelId: funnel.id,
    asOf: asOf.toISOString(),
    stages: funnel.stages.map((stage, i) => ({
      ...stage,
      count: count(i),
      conversionFromPrevious: i === 0 ? null : rate(count(i), count(i - 1)),
    })),
  };
}

/** numerator / denominator to 4 places, half up; "0.0000" over 0. */
export function rate(numerator: number, denominator: number): string {
  if (denominator === 0) return '0.0000';
  return new Decimal(numerator).div(denominator).toFixed(4, Decimal.ROUND_HALF_UP);
}
