import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import type { AnalysisKind, JsonObject } from '../crews/crew.ts';
import type { CrewRegistry } from '../crews/crew-registry.ts';
import { canonicalJson } from '@bizosaas/event-store';
import { readJournal } from '../runs/journal.ts';
import { budgetRequest } from '../runs/budget.ts';
import type { AnalysisHub } from './analysis-hub.ts';
import { analysisDetail, analysisKindSchema, analysisView, toView } from './analysis-view.ts';
import { analysisListQuery, analysisPage, getAnalysis, listAnalyses } from './analyses.query.ts';
import { cancelAnalysis } from './cancel-analysis.ts';
import { createAnalysis, type AnalysisRequest } from './create-analysis.ts';
import type { TenantSettingsSource } from './tenant-agent-settings.ts';

const idParams = z.strictObject({ id: z.uuid() });
const headers = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\w.:-]{1,200}$/)
    .optional()
    .describe('A repeat with the same key answers the analysis the first request made.'),
});
const analysisBody = z.strictObject({
  analysisType: analysisKindSchema,
  subject: z
    .record(z.string(), z.unknown())
    .describe(
      'lead_scoring: {leadId}; campaign_optimization: {campaignId}; seo_audit and presence_audit: {url}; content_generation: {brief, ...}',
    ),
  options: z.record(z.string(), z.unknown()).default({}).describe("The analysis type's options"),
  budget: budgetRequest.optional(),
  priority: z.enum(['low', 'normal', 'high', 'critical']).default('normal'),
});
const requestErrors = { 422: errorResponseSchema, 429: errorResponseSchema } as const;

export interface AnalysesFeatureDeps {
  crews: CrewRegistry;
  settings: TenantSettingsSource;
  hub: AnalysisHub;
  /** A new or re-queued analysis: the runner should look. */
  wakeRunner: () => void;
}

/** Analyses: request, list, read with steps, cancel and replay. */
export function analysesFeature(deps: AnalysesFeatureDeps): FeatureModule {
  return (app, ctx) => {
    const inTenant = <T>(request: FastifyRequest, work: Parameters<typeof withTransaction<T>>[1]) =>
      withTransaction(ctx.pool, work, { tenantId: requirePrincipal(request).tenantId });

    async function request(req: FastifyRequest, body: AnalysisRequest, replayOf?: string) {
      const principal = requirePrincipal(req);
      const settings = await deps.settings(principal.tenantId);
      const key = req.headers['idempotency-key'];
      const { analysis, created } = await createAnalysis(
        ctx,
        deps.crews.get(body.analysisType),
        body,
        {
          tenantId: principal.tenantId,
          actor: { type: 'user', id: principal.userId },
          requestedBy: principal.userId,
          correlationId: req.id,
          causationId: null,
          idempotencyKey: typeof key === 'string' ? key : undefined,
          replayOf,
        },
        {
          monthlyTokenQuota: settings.monthlyTokenQuota,
          llmConfigured: settings.llm !== null || replayOf !== undefined,
        },
      );
      if (created) deps.wakeRunner();
      return toView(analysis);
    }

    app.post(
      '/api/v1/agents/analyses',
      {
        onRequest: requirePermission('agents:run'),
        schema: {
          operationId: 'requestAnalysis',
          tags: ['analyses'],
          summary: 'Ask a crew for an analysis (202: queued; it runs in the background, durably)',
          headers,
          body: analysisBody,
          response: { 202: analysisView, ...requestErrors },
        },
      },
      async (req, reply) =>
        reply.code(202).send(
          await request(req, {
            ...req.body,
            analysisType: req.body.analysisType as AnalysisKind,
            subject: req.body.subject as JsonObject,
            options: req.body.options as JsonObject,
          }),
        ),
    );
    app.get(
      '/api/v1/agents/analyses',
      {
        onRequest: requirePermission('agents:read'),
        schema: {
          operationId: 'listAnalyses',
          tags: ['analyses'],
          summary: 'Analyses, newest first, by status and type',
          querystring: analysisListQuery,
          response: { 200: analysisPage },
        },
      },
      async (req) => inTenant(req, (client) => listAnalyses(client, req.query)),
    );
    app.get(
      '/api/v1/agents/analyses/:id',
      {
        onRequest: requirePermission('agents:read'),
        schema: {
          operationId: 'getAnalysis',
          tags: ['analyses'],
          summary: 'One analysis with its status, every recorded step, result and usage',
          params: idParams,
          response: { 200: analysisDetail },
        },
      },
      async (req) => {
        const { analysis, steps, replayed } = await inTenant(req, async (client) => {
          const found = await getAnalysis(client, req.params.id);
          return {
            analysis: found,
            steps: await readJournal(client, found.id),
            replayed: found.replayOf ? await getAnalysis(client, found.replayOf) : null,
          };
        });
        const bothDone = replayed?.status === 'completed' && analysis.status === 'completed';
        return {
          ...toView(analysis),
          steps,
          replay: replayed
            ? {
                of: replayed.id,
                identical: bothDone ? canonicalJson(replayed.result) === canonicalJson(analysis.result) : null,
              }
            : null,
        };
      },
    );
    app.post(
      '/api/v1/agents/analyses/:id/cancel',
      {
        onRequest: requirePermission('agents:run'),
        schema: {
          operationId: 'cancelAnalysis',
          tags: ['analyses'],
          summary: 'Stop an analysis that has not finished (its pending approvals are declined)',
          params: idParams,
          response: { 200: analysisView, 422: errorResponseSchema },
        },
      },
      async (req) => {
        const cancelled = await cancelAnalysis(ctx, requirePrincipal(req).tenantId, req.params.id);
        deps.hub.publish(cancelled.tenantId, cancelled.id, { type: 'status', status: 'cancelled' });
        return toView(cancelled);
      },
    );
    app.post(
      '/api/v1/agents/analyses/:id/replay',
      {
        onRequest: requirePermission('agents:run'),
        schema: {
          operationId: 'replayAnalysis',
          tags: ['analyses'],
          summary:
            'Run a finished analysis again from its recorded tool results and LLM answers (no call is made again)',
          headers,
          params: idParams,
          response: { 202: analysisView, ...requestErrors },
        },
      },
      async (req, reply) => {
        const source = await inTenant(req, (client) => getAnalysis(client, req.params.id));
        if (source.status !== 'completed' && source.status !== 'failed')
          throw new BusinessRuleViolation(
            'analysis.replay.requires_finished',
            'Only a finished analysis can be replayed',
            {
              currentStatus: source.status,
            },
          );
        const body = {
          analysisType: source.analysisType,
          subject: source.subject,
          options: source.options,
          priority: source.priority,
          budget: { ...source.budget, maxCost: source.budget.maxCost ?? undefined },
        };
        return reply.code(202).send(await request(req, body, source.id));
      },
    );
  };
}
