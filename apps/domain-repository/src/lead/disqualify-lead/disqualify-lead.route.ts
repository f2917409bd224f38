import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { disqualifyLead, disqualifyLeadData } from './disqualify-lead.ts';

/** POST /api/v1/leads/{leadId}/disqualify: Disqualify an open lead. */
export function disqualifyLeadRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/disqualify',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'disqualifyLead',
        tags: ['leads'],
        summary: 'Disqualify an open lead',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: disqualifyLeadData.omit({ leadId: true }).extend(expectedVersionField),
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
        command: { type: 'lead.disqualify', data: { ...body, leadId } },
        decide: disqualifyLead,
        view: leadView,
      });
    },
  );
}
