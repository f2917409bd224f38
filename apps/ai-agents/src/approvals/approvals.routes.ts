import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { decideApproval, type ApprovalRow } from './decide-approval.ts';

const idParams = z.strictObject({ id: z.uuid() });
const approvalStatus = z.enum(['pending', 'approved', 'declined', 'expired']);
const approvalView = z.object({
  id: z.uuid(),
  analysisId: z.uuid(),
  agent: z.string(),
  tool: z.string(),
  arguments: z.unknown(),
  reason: z.string(),
  status: approvalStatus,
  expiresAt: z.iso.datetime(),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  note: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
const listQuery = z.strictObject({
  status: approvalStatus.default('pending'),
  analysisId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const decisionBody = z.strictObject({ note: z.string().max(2000).optional() });

const toView = (row: ApprovalRow): z.infer<typeof approvalView> => ({
  id: row.id,
  analysisId: row.analysis_id,
  agent: row.agent,
  tool: row.tool,
  arguments: row.arguments,
  reason: row.reason,
  status: row.status as z.infer<typeof approvalStatus>,
  expiresAt: row.expires_at.toISOString(),
  decidedBy: row.decided_by,
  decidedAt: row.decided_at?.toISOString() ?? null,
  note: row.note,
  createdAt: row.created_at.toISOString(),
});

/** Tool calls waiting for a person, and their decisions (which queue the waiting run again). */
export function approvalsFeature(wakeRunner: () => void): FeatureModule {
  return (app, ctx) => {
    app.get(
      '/api/v1/agents/approvals',
      {
        onRequest: requirePermission('agents:read'),
        schema: {
          operationId: 'listApprovals',
          tags: ['approvals'],
          summary: 'Approvals, oldest first (default: the pending ones)',
          querystring: listQuery,
          response: { 200: z.object({ items: z.array(approvalView) }) },
        },
      },
      async (request) => {
        const { status, analysisId, limit } = request.query;
        const rows = await withTransaction(
          ctx.pool,
          async (client) =>
            (
              await client.query<ApprovalRow>(
                `SELECT * FROM ai_agents.approvals WHERE status = $1 AND ($2::uuid IS NULL OR analysis_id = $2)
                  ORDER BY created_at, id LIMIT $3`,
                [status, analysisId ?? null, limit],
              )
            ).rows,
          { tenantId: requirePrincipal(request).tenantId },
        );
        return { items: rows.map(toView) };
      },
    );
    for (const approved of [true, false]) {
      const verb = approved ? 'approve' : 'decline';
      app.post(
        `/api/v1/agents/approvals/:id/${verb}`,
        {
          onRequest: requirePermission('agents:approve'),
          schema: {
            operationId: `${verb}Approval`,
            tags: ['approvals'],
            summary: approved
              ? 'Approve the tool call: the run goes on and makes it'
              : 'Decline the tool call: the run goes on without it (nothing is changed)',
            params: idParams,
            body: decisionBody,
            response: { 200: approvalView, 422: errorResponseSchema },
          },
        },
        async (request) => {
          const { tenantId, userId } = requirePrincipal(request);
          const row = await decideApproval(ctx.pool, tenantId, request.params.id, {
            approved,
            status: approved ? 'approved' : 'declined',
            decidedBy: userId,
            note: request.body.note ?? null,
            now: ctx.now(),
          });
          wakeRunner();
          return toView(row);
        },
      );
    }
  };
}
