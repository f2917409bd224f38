import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { FeatureModule } from '../context.ts';
import type { TenantSettingsSource } from '../analyses/tenant-agent-settings.ts';

const usageQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
    .optional()
    .describe('Calendar month (UTC); default the current one'),
});
const usageView = z.object({
  month: z.string(),
  runs: z.int(),
  promptTokens: z.int(),
  completionTokens: z.int(),
  totalTokens: z.int(),
  cost: z.string().describe('decimal string'),
  monthlyTokenQuota: z.int().describe('0: no limit'),
});

/** GET /usage: a tenant's tokens, cost and runs in a month, against its quota. */
export function usageFeature(settings: TenantSettingsSource): FeatureModule {
  return (app, ctx) => {
    app.get(
      '/api/v1/agents/usage',
      {
        onRequest: requirePermission('agents:read'),
        schema: {
          operationId: 'getAgentUsage',
          tags: ['usage'],
          summary: "The tenant's tokens, cost and runs in a month (finished runs' tokens), and its quota",
          querystring: usageQuery,
          response: { 200: usageView },
        },
      },
      async (request) => {
        const { tenantId } = requirePrincipal(request);
        const month = request.query.month ?? ctx.now().toISOString().slice(0, 7);
        const row = await withTransaction(
          ctx.pool,
          async (client) =>
            (
              await client.query<{ runs: number; prompt_tokens: string; completion_tokens: string; cost: string }>(
                `SELECT runs, prompt_tokens::text, completion_tokens::text, cost::text FROM ai_agents.tenant_usage
                  WHERE tenant_id = $1 AND month = $2::date`,
                [tenantId, `${month}-01`],
              )
            ).rows[0],
          { tenantId },
        );
        const promptTokens = Number(row?.prompt_tokens ?? 0);
        const completionTokens = Number(row?.completion_tokens ?? 0);
        return {
          month,
          runs: row?.runs ?? 0,
          promptTokens,
          completionTokens,
          totalTokens: promptTokens + completionTokens,
          cost: row?.cost ?? '0',
          monthlyTokenQuota: (await settings(tenantId)).monthlyTokenQuota,
        };
      },
    );
  };
}
