import { z } from 'zod';
import { dateRangeSchema } from './date-presets.ts';
import { TILE_KINDS } from './dashboard-input.ts';
import type { DashboardRecord } from './dashboard-store.ts';

export const tileView = z.object({
  id: z.uuid(),
  title: z.string(),
  kind: z.enum(TILE_KINDS),
  config: z.record(z.string(), z.unknown()),
});

export const dashboardSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  version: z.int().describe('Send it back as If-Match (or version) to replace the dashboard'),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const dashboardView = dashboardSummary.extend({
  dateRange: dateRangeSchema,
  timezone: z.string(),
  tiles: z.array(tileView),
});

export const toSummary = (d: DashboardRecord) => ({
  id: d.id,
  name: d.name,
  description: d.description,
  version: d.version,
  createdBy: d.createdBy,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export const toView = (d: DashboardRecord) => ({
  ...toSummary(d),
  dateRange: d.dateRange,
  timezone: d.timezone,
  tiles: d.tiles,
});
