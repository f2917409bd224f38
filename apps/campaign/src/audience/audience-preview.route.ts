import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { FeatureModule } from '../context.ts';
import { audienceFilter, contactKind } from './audience-filter.ts';
import { planFilter } from './plan-filter.ts';
import { previewAudience } from './preview-audience.ts';

const params = z.strictObject({ campaignId: z.uuid() });

const body = z.strictObject({
  filter: audienceFilter.optional().describe("The audience to preview (absent: the campaign's saved plan's)"),
  sampleSize: z.int().min(1).max(100).default(10).describe('Newest contacts shown'),
});

const preview = z.object({
  count: z.int().describe('Contacts the filter selects now, exactly'),
  sendableByEmail: z.int().describe('Of those, the ones with a plain (not sealed) address'),
  filter: audienceFilter.describe('The filter previewed'),
  sample: z.array(
    z.object({
      contactId: z.uuid(),
      kind: contactKind,
      status: z.string(),
      score: z.number().nullable(),
      email: z.string().nullable().describe('Masked (j***@example.com); null when sealed or absent'),
      sendableEmail: z.boolean(),
      createdAt: z.string(),
    }),
  ),
});

/** POST /api/v1/campaign-executions/:campaignId/audience/preview: count and sample of an audience. */
export const audienceFeature: FeatureModule = (app, ctx) => {
  app.post(
    '/api/v1/campaign-executions/:campaignId/audience/preview',
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'previewAudience',
        tags: ['audience'],
        summary: "Count and sample the contacts an audience filter selects (default: the campaign plan's)",
        params,
        body,
        response: { 200: preview },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { campaignId } = request.params;
      return withTransaction(
        ctx.pool,
        async (client: pg.PoolClient) => {
          const filter = request.body.filter ?? (await planFilter(client, tenantId, campaignId));
          return { filter, ...(await previewAudience(client, tenantId, filter, request.body.sampleSize)) };
        },
        // One snapshot: the count and the sample describe the same contacts.
        { tenantId, isolation: 'REPEATABLE READ' },
      );
    },
  );
};
