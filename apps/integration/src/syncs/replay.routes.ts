import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { IntegrationContext } from '../context.ts';
import type { ReplayRunner } from './replay-runner.ts';
import { startReplay } from './replay-start.ts';
import { REPLAY_MAX_WINDOW_DAYS, replayBody, replayWindow } from './replay-window.ts';

export interface ReplayRoutesOptions {
  leaseMs: number;
  /** The replay runner, or what this replica lacks to replay (the archive, a token for domain-repository). */
  runner: ReplayRunner | { missing: string[] };
}

/** `POST /api/v1/integrations/syncs/:id/replay`: a past window forwarded again from the event-bus archive. */
export function replayRoutes(app: ServiceApp, ctx: IntegrationContext, options: ReplayRoutesOptions): void {
  app.post(
    '/api/v1/integrations/syncs/:id/replay',
    {
      onRequest: requirePermission('integrations:manage'),
      schema: {
        operationId: 'replaySync',
        tags: ['syncs'],
        summary:
          "Forward a past window of the sync's records again from the event-bus archive, without calling the provider",
        description:
          `The sync's archived integration.records_changed events of the window (at most ${REPLAY_MAX_WINDOW_DAYS} days, not in the future) ` +
          'go to domain-repository as its live runs sent them; records it already holds count as duplicates. Answers once the replay ' +
          '(a run of kind replay, listed with the runs) is started; 409 with details.runId while a run of the sync is going on; ' +
          '422 replay_model_unsupported for a model other than contacts; 503 when this replica has no archive or domain-repository token configured.',
        params: z.strictObject({ id: z.uuid() }),
        body: replayBody,
        response: {
          202: z.object({ runId: z.uuid() }),
          409: errorResponseSchema,
          422: errorResponseSchema,
          503: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { tenantId } = requirePrincipal(request);
      const window = replayWindow(request.body, ctx.now());
      const { runner } = options;
      if ('missing' in runner)
        throw new ServiceUnavailableError('Replays are not configured on this service', { missing: runner.missing });
      const claimed = await startReplay(ctx, tenantId, request.params.id, window, options.leaseMs);
      void runner.execute(claimed);
      return reply.code(202).send({ runId: claimed.runId });
    },
  );
}
