import { z } from 'zod';
import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { KPI_NAMES } from '../kpis/kpi-definitions.ts';
import { dateRangeSchema } from './date-presets.ts';

export const TILE_KINDS = ['kpis', 'query', 'funnel', 'retention'] as const;
export type TileKind = (typeof TILE_KINDS)[number];

const kpisConfig = z.strictObject({
  metrics: z
    .array(z.enum(KPI_NAMES as [string, ...string[]]))
    .min(1)
    .max(KPI_NAMES.length)
    .describe('The KPIs to show (names as GET /kpis answers them)'),
  campaignId: z.uuid().optional().describe("Only this campaign's figures"),
});
export type KpisTileConfig = z.infer<typeof kpisConfig>;

// The range and the position come from the dashboard's request, never from a tile.
const RANGE_KEYS = ['dateRange', 'timezone', 'asOfPosition'];
const endpointBody = (endpoint: string) =>
  z
    .record(z.string(), z.unknown())
    .refine((config) => !RANGE_KEYS.some((key) => key in config), {
      message: `${RANGE_KEYS.join(', ')} come from the dashboard, not from a tile`,
    })
    .describe(`The body of ${endpoint} without dateRange, timezone and asOfPosition`);

const tile = <K extends TileKind, C extends z.ZodType>(kind: K, config: C) =>
  z.strictObject({
    title: z.string().trim().min(1).max(200),
    kind: z.literal(kind),
    config,
  });

export const tileInput = z.discriminatedUnion('kind', [
  tile('kpis', kpisConfig),
  tile('query', endpointBody('POST /api/v1/analytics/query')),
  tile('funnel', endpointBody('POST /api/v1/analytics/funnels/query')),
  tile('retention', endpointBody('POST /api/v1/analytics/retention/query')),
]);
export type TileInput = z.infer<typeof tileInput>;

export const dashboardBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().default(null),
  dateRange: dateRangeSchema.default('last_30_days').describe('The range shown when a request names none'),
  timezone: z.string().max(64).default('UTC').describe('IANA time zone of the range and of the buckets'),
  tiles: z.array(tileInput).max(50).default([]),
});
export type DashboardInput = z.infer<typeof dashboardBody>;

/** Schemas of the query, funnel and retention endpoints' bodies (minus the range), when the app has them. */
export type TileConfigSchemas = Partial<Record<Exclude<TileKind, 'kpis'>, z.ZodType>>;

/** Checks each tile's config with the schema of its endpoint (if given): one VALIDATION_ERROR naming every bad field. */
export function checkTileConfigs(tiles: readonly TileInput[], schemas: TileConfigSchemas): void {
  const issues: FieldIssue[] = tiles.flatMap((t, index) => {
    const schema = t.kind === 'kpis' ? undefined : schemas[t.kind];
    const parsed = schema?.safeParse(t.config);
    if (!parsed || parsed.success) return [];
    return parsed.error.issues.map((issue) => ({
      path: ['tiles', index, 'config', ...issue.path].join('.'),
      message: issue.message,
      location: 'body' as const,
    }));
  });
  if (issues.length > 0) throw new ValidationError('Invalid tile config', issues);
}
