import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { loadAggregate } from '../../write-side/load-aggregate.ts';
import { commandMetadata } from '../../write-side/request-context.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';

/** GET /api/v1/leads/{leadId}: loaded from its event stream (read-your-writes). */
export function getLeadRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    '/api/v1/leads/:leadId',
    {
      onRequest: requirePermission('leads:read'),
      schema: {
        operationId: 'getLead',
        tags: ['leads'],
        summary: 'A lead (from its event stream: always the latest state)',
        params: z.strictObject({ leadId: z.uuid() }),
        response: { 200: leadViewSchema },
      },
    },
    async (request) => {
      const { leadId } = request.params;
      const { state, version } = await loadAggregate(
        ctx,
        commandMetadata(request, ctx.now).tenantId,
        leadStream,
        leadId,
      );
      return leadView(state, leadId, version);
    },
  );
}
