import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { qualifyLead, qualifyLeadData } from './qualify-lead.ts';

/** POST /api/v1/leads/{leadId}/qualify: Qualify a new or contacted lead. */
export function qualifyLeadRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/qualify',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'qualifyLead',
        tags: ['leads'],
        summary: 'Qualify a new or contacted lead',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: qualifyLeadData.omit({ leadId: true }).extend(expectedVersionField),
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
        command: { type: 'lead.qualify', data: { ...body, leadId } },
        decide: qualifyLead,
        view: leadView,
      });
    },
  );
}
