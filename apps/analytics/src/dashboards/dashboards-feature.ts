import type { FeatureModule } from '../context.ts';
import type { TileConfigSchemas } from './dashboard-input.ts';
import { registerDashboardData } from './dashboard-data.route.ts';
import { registerDashboardRoutes } from './dashboards.routes.ts';
import { kpisTileSource, type TileSources } from './tile-sources.ts';

export interface DashboardsOptions {
  /** Bodies of the query, funnel and retention endpoints (minus the range) to check those tiles' config with. */
  configSchemas?: TileConfigSchemas;
  /** Computed dashboards kept in memory (least recently used forgotten first). */
  cacheEntries?: number;
}

/**
 * Dashboards: CRUD and their data. `sources` computes the query, funnel and retention tiles
 * (the kpis tiles default to this feature's own source, the KPI route's figures).
 */
export function dashboardsFeature(
  sources: Omit<TileSources, 'kpis'> & Partial<Pick<TileSources, 'kpis'>>,
  options: DashboardsOptions = {},
): FeatureModule {
  return (app, ctx) => {
    registerDashboardRoutes(app, ctx, options.configSchemas ?? {});
    registerDashboardData(app, ctx, { kpis: kpisTileSource, ...sources }, options.cacheEntries ?? 500);
  };
}
