import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { recordInteraction, recordInteractionData } from './record-interaction.ts';

/** POST /api/v1/leads/{leadId}/interactions: Log a call, e-mail or meeting. */
export function recordInteractionRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/interactions',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'recordLeadInteraction',
        tags: ['leads'],
        summary: 'Log a call, e-mail or meeting',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: recordInteractionData.omit({ interactionId: true, leadId: true }).extend(expectedVersionField),
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
        facts: { interactedAt: body.interactedAt },
        command: { type: 'lead.record_interaction', data: { ...body, leadId, interactionId: uuidv7() } },
        decide: recordInteraction,
        view: leadView,
      });
    },
  );
}
