import { createHash } from 'node:crypto';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { AppError } from '@bizosaas/ddd-kernel';
import { RebuildRunningError } from '@bizosaas/event-store';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { AnalyticsContext, FeatureModule } from '../context.ts';
import { formatPosition } from '../kpis/as-of.ts';
import { RebuildDivergedError, tenantChecksums, type Checksums } from './checksums.ts';

const rebuildView = z.object({
  generation: z.int().describe('The generation now serving'),
  asOfPosition: z.string().describe('The log position both generations were compared at'),
  checksum: z
    .string()
    .describe("sha256 over the tenant's table checksums: equal for the live and the rebuilt generation"),
  tables: z.record(z.string(), z.object({ live: z.string(), rebuilt: z.string() })),
  eventsRead: z.int(),
  seconds: z.number(),
});

const combined = (sums: Checksums) =>
  createHash('sha256')
    .update(
      Object.entries(sums)
        .map(([name, sum]) => `${name}:${sum}`)
        .join('\n'),
    )
    .digest('hex');

/**
 * Rebuilds the analytics projection from the log into a new generation. Before the swap, with both
 * generations at the same log position, the tenant's tables are compared by checksum: equal, the
 * new generation serves; different, it is dropped and 409 REBUILD_DIVERGED says where.
 */
async function rebuildAndCompare(ctx: AnalyticsContext, tenantId: string) {
  let compared: { live: Checksums; rebuilt: Checksums; position: string } | undefined;
  const result = await ctx
    .rebuild(async (client, { serving, rebuilt, position }) => {
      const sums = {
        live: await tenantChecksums(client, serving, tenantId),
        rebuilt: await tenantChecksums(client, rebuilt, tenantId),
      };
      if (combined(sums.live) !== combined(sums.rebuilt)) throw new RebuildDivergedError(sums.live, sums.rebuilt);
      compared = { ...sums, position: formatPosition(position) };
    })
    .catch((error: unknown) => {
      if (error instanceof RebuildRunningError)
        throw new AppError(
          'REBUILD_RUNNING',
          409,
          'A rebuild of the analytics projection is running; try again when it ends',
        );
      throw error;
    });
  if (!compared) throw new Error('The rebuild swapped without a comparison');
  const { live, rebuilt, position } = compared;
  return {
    generation: result.generation,
    asOfPosition: position,
    checksum: combined(rebuilt),
    tables: Object.fromEntries(
      Object.keys(live).map((name) => [name, { live: live[name] ?? '', rebuilt: rebuilt[name] ?? '' }]),
    ),
    eventsRead: result.read,
    seconds: result.seconds,
  };
}

/** POST /rebuild: a new generation of the projections, checked against the live one before it serves. */
export const rebuildFeature: FeatureModule = (app, ctx) => {
  app.post(
    '/api/v1/analytics/rebuild',
    {
      onRequest: requirePermission('analytics:manage'),
      schema: {
        operationId: 'rebuildProjections',
        tags: ['rebuild'],
        summary: "Rebuild the projections from the log; the tenant's data is compared by checksum before the swap",
        response: { 200: rebuildView, 409: errorResponseSchema },
      },
    },
    async (request) => rebuildAndCompare(ctx, requirePrincipal(request).tenantId),
  );
};
