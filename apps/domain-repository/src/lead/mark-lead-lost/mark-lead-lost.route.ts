import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { markLeadLost, markLeadLostData } from './mark-lead-lost.ts';

/** POST /api/v1/leads/{leadId}/lose: Mark an open lead lost. */
export function markLeadLostRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/lose',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'markLeadLost',
        tags: ['leads'],
        summary: 'Mark an open lead lost',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: markLeadLostData.omit({ leadId: true }).extend(expectedVersionField),
        response: { 200: leadViewSchema, ...commandErrors },
      },
    },
    async (request) => {
      const { expectedVersion, ...body } = request.body;
      const { leadId } = request.params;
      return ctx.handle(request, {
        aggregate: leadStream,
        aggregateId: leadId,
        expectedVersion,
        command: { type: 'lead.mark_lost', data: { ...body, leadId } },
        decide: markLeadLost,
        view: leadView,
      });
    },
  );
}
