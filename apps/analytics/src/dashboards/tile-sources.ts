import type pg from 'pg';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { computeKpis, type KpiName } from '../kpis/kpi-definitions.ts';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { readKpiInputs } from '../kpis/read-kpi-inputs.ts';
import type { KpisTileConfig, TileKind } from './dashboard-input.ts';

/**
 * Computes one tile's data on the dashboard's transaction (tenant set, one snapshot for every
 * tile), for the dashboard's range, now (asOf null) or as of an earlier log position.
 */
export type TileSource = (
  client: pg.ClientBase,
  tenantId: string,
  config: Record<string, unknown>,
  range: ResolvedRange,
  asOf: GlobalCheckpoint | null,
) => Promise<unknown>;

export type TileSources = Record<TileKind, TileSource>;

/** A kpis tile: the KPIs it names, as GET /kpis answers them. */
export const kpisTileSource: TileSource = async (client, tenantId, config, range, asOf) => {
  const { metrics, campaignId = null } = config as KpisTileConfig;
  const { inputs } = await readKpiInputs(client, { tenantId, ...range, campaignId, asOf });
  const all = computeKpis(inputs);
  return { kpis: Object.fromEntries(metrics.map((name) => [name, all[name as KpiName]])), campaignId };
};
