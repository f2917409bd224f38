import { requirePermission } from '@bizosaas/auth';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { ServiceApp } from '@bizosaas/service-kit';
import { writeHeaders } from '../../write-side/request-context.ts';
import { createErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { captureLead, captureLeadData } from './capture-lead.ts';

/** POST /api/v1/leads: a new lead under an id made here (never sent by the client). */
export function captureLeadRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'captureLead',
        tags: ['leads'],
        summary: 'Capture a lead',
        headers: writeHeaders,
        body: captureLeadData.omit({ leadId: true }),
        response: { 201: leadViewSchema, ...createErrors },
      },
    },
    async (request, reply) => {
      const leadId = uuidv7();
      const lead = await ctx.handle(request, {
        aggregate: leadStream,
        aggregateId: leadId,
        creates: true,
        command: { type: 'lead.capture', data: { ...request.body, leadId } },
        decide: captureLead,
        view: leadView,
      });
      return reply.status(201).send(lead);
    },
  );
}
