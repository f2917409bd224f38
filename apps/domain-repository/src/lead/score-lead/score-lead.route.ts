import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { scoreLead, scoreLeadData } from './score-lead.ts';

/** POST /api/v1/leads/{leadId}/score: Re-score an open lead. */
export function scoreLeadRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/score',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'scoreLead',
        tags: ['leads'],
        summary: 'Re-score an open lead',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: scoreLeadData.omit({ leadId: true }).extend(expectedVersionField),
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
        command: { type: 'lead.score', data: { ...body, leadId } },
        decide: scoreLead,
        view: leadView,
      });
    },
  );
}
