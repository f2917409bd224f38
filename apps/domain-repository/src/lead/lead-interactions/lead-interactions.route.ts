import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata } from '../../write-side/request-context.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadInteractionsPage, leadInteractionsQuery, listLeadInteractions } from './lead-interactions.query.ts';

/** GET /api/v1/leads/{leadId}/interactions: from the lead's event stream (read-your-writes), newest first. */
export function leadInteractionsRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    '/api/v1/leads/:leadId/interactions',
    {
      onRequest: requirePermission('leads:read'),
      schema: {
        operationId: 'listLeadInteractions',
        tags: ['leads'],
        summary: "A lead's calls, e-mails and meetings, newest first (from its event stream)",
        params: z.strictObject({ leadId: z.uuid() }),
        querystring: leadInteractionsQuery,
        response: { 200: leadInteractionsPage },
      },
    },
    async (request) =>
      listLeadInteractions(ctx, commandMetadata(request, ctx.now).tenantId, request.params.leadId, request.query),
  );
}
