import { withTransaction } from '@bizosaas/db';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { AnalysisRecord } from '../analyses/analysis-record.ts';
import type { AgentsContext } from '../context.ts';
import type { JsonObject } from '../crews/crew.ts';
import { RunLost, RunSuspended } from './run-failure.ts';

export interface SuspendInput {
  analysis: AnalysisRecord;
  owner: string;
  /** The journal position the decision will take. */
  seq: number;
  agent: string;
  tool: string;
  args: JsonObject;
  reason: string;
  expiresAt: Date;
}

/**
 * A flagged tool call without a decision: the approval request is stored (once per run and
 * position: a resumed run finds the same one) and the run is released in awaiting_approval, in
 * one transaction. The run holds no lease while it waits, so waiting survives any restart; the
 * decision queues it again (approvals/decide-approval.ts).
 */
export async function suspendForApproval(ctx: AgentsContext, input: SuspendInput): Promise<never> {
  const { analysis } = input;
  const approvalId = await withTransaction(
    ctx.pool,
    async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `WITH inserted AS (
           INSERT INTO ai_agents.approvals
             (id, tenant_id, analysis_id, seq, agent, tool, arguments, reason, status, expires_at, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, 'pending', $9, $10)
           ON CONFLICT (analysis_id, seq) DO NOTHING RETURNING id)
         SELECT id FROM inserted UNION ALL SELECT id FROM ai_agents.approvals WHERE analysis_id = $3 AND seq = $4`,
        [
          uuidv7(),
          analysis.tenantId,
          analysis.id,
          input.seq,
          input.agent,
          input.tool,
          JSON.stringify(input.args),
          input.reason.slice(0, 2000),
          input.expiresAt,
          ctx.now(),
        ],
      );
      const { rowCount } = await client.query(
        `UPDATE ai_agents.analyses SET status = 'awaiting_approval', owner = NULL, lease_until = NULL, updated_at = $3
          WHERE id = $1 AND owner = $2 AND status = 'running'`,
        [analysis.id, input.owner, ctx.now()],
      );
      return rowCount === 1 ? rows[0]!.id : undefined;
    },
    { tenantId: analysis.tenantId },
  );
  if (!approvalId) throw new RunLost(analysis.id);
  throw new RunSuspended(approvalId);
}
