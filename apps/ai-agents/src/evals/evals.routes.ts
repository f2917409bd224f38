import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { uuidv7 } from '@bizosaas/event-schemas';
import { errorResponseSchema } from '@bizosaas/service-kit';
import { analysisKindSchema } from '../analyses/analysis-view.ts';
import type { TenantSettingsSource } from '../analyses/tenant-agent-settings.ts';
import type { FeatureModule } from '../context.ts';
import type { AnalysisKind } from '../crews/crew.ts';
import type { CrewRegistry } from '../crews/crew-registry.ts';
import { evalSubjects, runEval } from './run-eval.ts';

const evalBody = z.strictObject({
  analysisType: analysisKindSchema,
  analysisIds: z
    .array(z.uuid())
    .min(1)
    .max(100)
    .optional()
    .describe('Default: the latest completed analyses of the type'),
  limit: z.int().min(1).max(100).default(20),
  useLlm: z
    .boolean()
    .default(true)
    .describe(
      "Ask the tenant's LLM again (a new prompt or model judged on past inputs); false answers from the recording",
    ),
});
const evalView = z.object({
  id: z.uuid(),
  analysisType: analysisKindSchema,
  crewVersion: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  total: z.int(),
  agreed: z.int(),
  agreement: z.number().min(0).max(1).nullable().describe('agreed / total, once completed'),
  items: z.array(
    z.object({
      analysisId: z.uuid(),
      recordedCrewVersion: z.string(),
      agreed: z.boolean(),
      recorded: z.unknown(),
      evaluated: z.unknown(),
      error: z.string().optional(),
    }),
  ),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

interface EvalRow {
  id: string;
  analysis_type: AnalysisKind;
  crew_version: string;
  status: 'running' | 'completed' | 'failed';
  total: number;
  agreed: number;
  results: z.infer<typeof evalView>['items'];
  created_at: Date;
  finished_at: Date | null;
}

const toView = (row: EvalRow): z.infer<typeof evalView> => ({
  id: row.id,
  analysisType: row.analysis_type,
  crewVersion: row.crew_version,
  status: row.status,
  total: row.total,
  agreed: row.agreed,
  agreement: row.status === 'completed' && row.total > 0 ? row.agreed / row.total : null,
  items: row.results,
  createdAt: row.created_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
});

/**
 * Evals: the deployed crew of a type run over the tenant's recorded analyses, scored by how
 * often it agrees with what was decided then. Nothing is changed: tools answer from the recording.
 */
export function evalsFeature(deps: { crews: CrewRegistry; settings: TenantSettingsSource }): FeatureModule {
  return (app, ctx) => {
    const running = new Set<Promise<void>>();
    app.addHook('preClose', async () => {
      await Promise.allSettled([...running]);
    });
    app.post(
      '/api/v1/agents/evals',
      {
        onRequest: requirePermission('agents:manage'),
        schema: {
          operationId: 'startEval',
          tags: ['evals'],
          summary:
            'Run the deployed crew of a type over recorded analyses and report agreement (202; runs in the background)',
          body: evalBody,
          response: { 202: evalView, 422: errorResponseSchema },
        },
      },
      async (request, reply) => {
        const { tenantId } = requirePrincipal(request);
        const { analysisType, analysisIds, limit, useLlm } = request.body;
        const kind = analysisType as AnalysisKind;
        const crew = deps.crews.get(kind);
        const llm = useLlm ? (await deps.settings(tenantId)).llm : null;
        const id = uuidv7();
        const { row, sources } = await withTransaction(
          ctx.pool,
          async (client) => {
            const found = await evalSubjects(client, kind, analysisIds, analysisIds?.length ?? limit);
            const { rows } = await client.query<EvalRow>(
              `INSERT INTO ai_agents.evals (id, tenant_id, analysis_type, crew_version, status, request, results, created_at)
               VALUES ($1, $2, $3, $4, 'running', $5::jsonb, '[]'::jsonb, $6) RETURNING *`,
              [id, tenantId, kind, crew.version, JSON.stringify(request.body), ctx.now()],
            );
            return { row: rows[0]!, sources: found };
          },
          { tenantId },
        );
        const work = runEval(ctx, { evalId: id, tenantId, crew, sources, llm })
          .catch(async (error: unknown) => {
            request.log.error({ err: error, evalId: id }, 'eval failed');
            await withTransaction(
              ctx.pool,
              (client) =>
                client.query(`UPDATE ai_agents.evals SET status = 'failed', finished_at = $2 WHERE id = $1`, [
                  id,
                  ctx.now(),
                ]),
              { tenantId },
            );
          })
          .finally(() => running.delete(work));
        running.add(work);
        return reply.code(202).send(toView(row));
      },
    );
    app.get(
      '/api/v1/agents/evals/:id',
      {
        onRequest: requirePermission('agents:read'),
        schema: {
          operationId: 'getEval',
          tags: ['evals'],
          summary: "An eval's agreement and each analysis's recorded and evaluated result",
          params: z.strictObject({ id: z.uuid() }),
          response: { 200: evalView },
        },
      },
      async (request) => {
        const rows = await withTransaction(
          ctx.pool,
          async (client) =>
            (await client.query<EvalRow>('SELECT * FROM ai_agents.evals WHERE id = $1', [request.params.id])).rows,
          { tenantId: requirePrincipal(request).tenantId },
        );
        if (!rows[0]) throw new NotFoundError('No such eval', { evalId: request.params.id });
        return toView(rows[0]);
      },
    );
  };
}
