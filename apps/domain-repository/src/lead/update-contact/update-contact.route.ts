import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { updateLeadContact, updateContactData } from './update-contact.ts';

/** POST /api/v1/leads/{leadId}/contact-details: Replace an open lead's contact details. */
export function updateLeadContactRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/contact-details',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'updateLeadContact',
        tags: ['leads'],
        summary: "Replace an open lead's contact details",
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: updateContactData.omit({ leadId: true }).extend(expectedVersionField),
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
        command: { type: 'lead.update_contact', data: { ...body, leadId } },
        decide: updateLeadContact,
        view: leadView,
      });
    },
  );
}
