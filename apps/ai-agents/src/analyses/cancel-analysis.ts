import { withTransaction } from '@bizosaas/db';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { AgentsContext } from '../context.ts';
import { finishRun } from '../runs/finish-run.ts';
import { failedAppends } from '../runs/run-events.ts';
import { TERMINAL_STATUSES, type AnalysisRecord } from './analysis-record.ts';
import { getAnalysis } from './analyses.query.ts';

const CANCELLED = { code: 'CANCELLED', message: 'cancelled by a person', retryable: false };

/**
 * Stops an analysis that has not finished: the row turns cancelled (its pending approvals
 * declined) with ai.analysis_failed (CANCELLED), whoever runs it; that runner finds the run lost at
 * its next step. A finished one is 422 naming its status; another tenant's is 404.
 */
export async function cancelAnalysis(ctx: AgentsContext, tenantId: string, id: string): Promise<AnalysisRecord> {
  const read = () => withTransaction(ctx.pool, (client) => getAnalysis(client, id), { tenantId });
  const analysis = await read();
  const now = ctx.now();
  const cancelled =
    !TERMINAL_STATUSES.includes(analysis.status) &&
    (await finishRun(ctx.pool, ctx.store, {
      analysis,
      status: 'cancelled',
      error: CANCELLED,
      owner: null,
      now,
      events: (version) => failedAppends(analysis, CANCELLED, undefined, version, now),
    }));
  const current = await read();
  if (!cancelled)
    throw new BusinessRuleViolation('analysis.cancel.requires_unfinished', 'The analysis has already finished', {
      currentStatus: current.status,
    });
  return current;
}
