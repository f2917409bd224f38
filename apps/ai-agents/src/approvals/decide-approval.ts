import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { BusinessRuleViolation, NotFoundError } from '@bizosaas/ddd-kernel';

export interface Decision {
  approved: boolean;
  /** expired: nobody decided in time (counts as declined). */
  status: 'approved' | 'declined' | 'expired';
  decidedBy: string | null;
  note: string | null;
  now: Date;
}

export interface ApprovalRow {
  id: string;
  analysis_id: string;
  seq: number;
  agent: string;
  tool: string;
  arguments: unknown;
  reason: string;
  status: string;
  expires_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
  created_at: Date;
}

/**
 * Decides a pending approval: the decision becomes the run's journal step at the approval's
 * position (what a resumed run reads), and the run goes back to the queue, in one transaction. A
 * second decision is refused (422 naming the current status); an approval of another tenant is 404.
 */
export async function decideApproval(pool: pg.Pool, tenantId: string, approvalId: string, decision: Decision) {
  return withTransaction(
    pool,
    async (client) => {
      const { rows } = await client.query<ApprovalRow>('SELECT * FROM ai_agents.approvals WHERE id = $1 FOR UPDATE', [
        approvalId,
      ]);
      const approval = rows[0];
      if (!approval) throw new NotFoundError('No such approval', { approvalId });
      if (approval.status !== 'pending')
        throw new BusinessRuleViolation('approval.already_decided', `The approval is already ${approval.status}`, {
          currentStatus: approval.status,
        });
      const output = {
        approved: decision.approved,
        status: decision.status,
        decidedBy: decision.decidedBy,
        ...(decision.note !== null && { note: decision.note }),
        ...(!decision.approved && {
          reason: decision.status === 'expired' ? 'approval expired' : (decision.note ?? 'declined'),
        }),
      };
      const { rows: updated } = await client.query<ApprovalRow>(
        `UPDATE ai_agents.approvals SET status = $2, decided_by = $3, decided_at = $4, note = $5 WHERE id = $1 RETURNING *`,
        [approvalId, decision.status, decision.decidedBy, decision.now, decision.note],
      );
      await client.query(
        `INSERT INTO ai_agents.analysis_steps
           (analysis_id, seq, tenant_id, kind, agent, name, input, output, duration_ms, recorded_at)
         VALUES ($1, $2, $3, 'approval', $4, $5, $6::jsonb, $7::jsonb, $8, $9)`,
        [
          approval.analysis_id,
          approval.seq,
          tenantId,
          approval.agent,
          approval.tool,
          JSON.stringify(approval.arguments),
          JSON.stringify(output),
          Math.max(0, decision.now.getTime() - approval.created_at.getTime()),
          decision.now,
        ],
      );
      await client.query(
        `UPDATE ai_agents.analyses SET status = 'queued', updated_at = $2 WHERE id = $1 AND status = 'awaiting_approval'`,
        [approval.analysis_id, decision.now],
      );
      return updated[0]!;
    },
    { tenantId },
  );
}
