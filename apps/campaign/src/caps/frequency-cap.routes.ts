import type pg from 'pg';
import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import { ConcurrencyError, NotFoundError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import type { FrequencyCap } from '../dispatch/reserve-sends.ts';
import { inTenant } from '../http/in-tenant.ts';

const PATH = '/api/v1/campaign-executions/frequency-cap';
const capBody = z.strictObject({
  /** Marketing messages one recipient may get across the tenant's campaigns inside the window. */
  maxMessages: z.int().min(1).max(1000),
  windowDays: z.int().min(1).max(365),
  expectedVersion: z.int().min(0).optional(),
});
const capView = z.object({ maxMessages: z.int(), windowDays: z.int(), version: z.int(), updatedAt: z.date() });
type CapView = z.output<typeof capView>;

const SELECT = `SELECT max_messages AS "maxMessages", window_days AS "windowDays", version, updated_at AS "updatedAt"
  FROM frequency_caps WHERE tenant_id = $1`;

/** The tenant's cap, when it set one (transactional sends are never capped). */
export async function findCap(client: pg.ClientBase, tenantId: string): Promise<FrequencyCap | undefined> {
  const { rows } = await client.query<CapView>(SELECT, [tenantId]);
  return rows[0];
}

/** The tenant's frequency cap across campaigns. */
export const frequencyCapFeature: FeatureModule = (app, ctx) => {
  app.get(
    PATH,
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'getFrequencyCap',
        tags: ['frequency-caps'],
        summary: "The tenant's frequency cap (404 when none is set: marketing sends are not capped)",
        response: { 200: capView },
      },
    },
    async (request) =>
      inTenant(ctx.pool, request, async (client, tenantId) => {
        const { rows } = await client.query<CapView>(SELECT, [tenantId]);
        if (!rows[0]) throw new NotFoundError('No frequency cap is set');
        return rows[0];
      }),
  );
  app.put(
    PATH,
    {
      // A tenant-wide policy: those who may launch campaigns set it.
      onRequest: requirePermission('campaigns:launch'),
      schema: {
        operationId: 'setFrequencyCap',
        tags: ['frequency-caps'],
        summary: 'Set the most marketing messages a recipient gets per window across campaigns',
        body: capBody,
        response: { 200: capView, 409: errorResponseSchema },
      },
    },
    async (request) =>
      inTenant(ctx.pool, request, async (client, tenantId) => {
        const { rows: current } = await client.query<CapView>(`${SELECT} FOR UPDATE`, [tenantId]);
        const actual = current[0]?.version ?? 0;
        const { expectedVersion, maxMessages, windowDays } = request.body;
        if (expectedVersion !== undefined && expectedVersion !== actual)
          throw new ConcurrencyError(expectedVersion, actual);
        const { rows } = await client.query<CapView>(
          `INSERT INTO frequency_caps (tenant_id, max_messages, window_days, version, updated_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id) DO UPDATE SET max_messages = $2, window_days = $3, version = $4, updated_at = $5
           RETURNING max_messages AS "maxMessages", window_days AS "windowDays", version, updated_at AS "updatedAt"`,
          [tenantId, maxMessages, windowDays, actual + 1, ctx.now()],
        );
        return rows[0]!;
      }),
  );
};
