import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { contactLead, contactLeadData } from './contact-lead.ts';

/** POST /api/v1/leads/{leadId}/contact: Record the first contact (new -> contacted). */
export function contactLeadRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/contact',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'contactLead',
        tags: ['leads'],
        summary: 'Record the first contact (new -> contacted)',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: contactLeadData.omit({ leadId: true }).extend(expectedVersionField),
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
        command: { type: 'lead.contact', data: { ...body, leadId } },
        decide: contactLead,
        view: leadView,
      });
    },
  );
}
