import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { markLeadForNurturing } from './mark-lead-for-nurturing.ts';

/** A person's decision carries no score (the score-driven mark comes from the lead-scoring consumer); the body may be left out. */
const body = z.strictObject({ ...expectedVersionField }).nullish();

/** POST /api/v1/leads/{leadId}/nurture: Mark a new or contacted lead for nurturing. */
export function markLeadForNurturingRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/nurture',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'markLeadForNurturing',
        tags: ['leads'],
        summary: 'Mark a new or contacted lead for nurturing (not sales-ready yet)',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body,
        response: { 200: leadViewSchema, ...commandErrors },
      },
    },
    async (request) => {
      const { leadId } = request.params;
      return ctx.handle(request, {
        aggregate: leadStream,
        aggregateId: leadId,
        expectedVersion: request.body?.expectedVersion,
        command: {
          type: 'lead.mark_for_nurturing',
          data: { leadId, reason: 'manual', totalScore: null, threshold: null, analysisId: null },
        },
        decide: markLeadForNurturing,
        view: leadView,
      });
    },
  );
}
