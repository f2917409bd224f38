import { requirePermission } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata } from '../write-side/request-context.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import {
  leadScoringPolicyInput,
  leadScoringPolicyView,
  readLeadScoringPolicy,
  writeLeadScoringPolicy,
} from './lead-scoring-policy.ts';

const PATH = '/api/v1/lead-scoring-policy';

/** GET and PUT of the caller's tenant's lead-scoring policy (a setting, not an aggregate: no events). */
export function leadScoringPolicyRoutes(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    PATH,
    {
      onRequest: requirePermission('leads:read'),
      schema: {
        operationId: 'getLeadScoringPolicy',
        tags: ['leads'],
        summary: "The tenant's rule for AI lead scores (the defaults until it is set)",
        response: { 200: leadScoringPolicyView },
      },
    },
    async (request) => {
      const { tenantId } = commandMetadata(request, ctx.now);
      return withTransaction(ctx.pool, readLeadScoringPolicy, { tenantId });
    },
  );
  app.put(
    PATH,
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'setLeadScoringPolicy',
        tags: ['leads'],
        summary: 'Set the threshold at which an AI score qualifies a lead, and whether it does',
        body: leadScoringPolicyInput,
        response: { 200: leadScoringPolicyView },
      },
    },
    async (request) => {
      const { tenantId, actor, now } = commandMetadata(request, ctx.now);
      const change = { ...request.body, tenantId, userId: actor.id, at: now };
      return withTransaction(ctx.pool, (client) => writeLeadScoringPolicy(client, change), { tenantId });
    },
  );
}
