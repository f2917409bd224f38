import { Decimal } from 'decimal.js';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import type { AppendInput, EventStore } from '@bizosaas/event-store';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { AnalysisRecord, AnalysisStatus } from '../analyses/analysis-record.ts';
import type { JsonValue } from '../crews/crew.ts';
import type { FailureInfo } from './run-failure.ts';

export interface FinishInput {
  analysis: AnalysisRecord;
  status: Extract<AnalysisStatus, 'completed' | 'failed' | 'cancelled'>;
  result?: JsonValue;
  error?: FailureInfo;
  /** Moves the row only while this owner runs it; null: from any status not yet terminal (cancel). */
  owner: string | null;
  now: Date;
  /** The terminal events, given the analysis stream's version at the time. */
  events: (streamVersion: number) => AppendInput[];
}

/**
 * The analysis's terminal transition, its events and the tenant's monthly usage (what the row
 * counted over all its steps, whichever replica took them) in one transaction. The row update decides (row lock): false when the run was finished, cancelled or
 * taken over meanwhile, and then nothing is written.
 */
export async function finishRun(pool: pg.Pool, store: EventStore<PlatformCatalogue>, input: FinishInput) {
  const { analysis, now } = input;
  return withTransaction(
    pool,
    async (client) => {
      const { rows } = await client.query<RunTotals>(
        `UPDATE ai_agents.analyses
            SET status = $2, result = $3::jsonb, error = $4::jsonb, owner = NULL, lease_until = NULL,
                finished_at = $5, updated_at = $5
          WHERE id = $1 AND status IN ('queued', 'running', 'awaiting_approval')
            AND ($6::text IS NULL OR (owner = $6 AND status = 'running'))
          RETURNING prompt_tokens, completion_tokens, cost::text AS cost`,
        [
          analysis.id,
          input.status,
          input.result === undefined ? null : JSON.stringify(input.result),
          input.error ? JSON.stringify(input.error) : null,
          now,
          input.owner,
        ],
      );
      const totals = rows[0];
      if (!totals) return false;
      if (input.status === 'cancelled')
        await client.query(
          `UPDATE ai_agents.approvals SET status = 'declined', decided_at = $2, note = 'analysis cancelled'
                             WHERE analysis_id = $1 AND status = 'pending'`,
          [analysis.id, now],
        );
      const version = await store.streamVersion(client, { aggregateType: 'ai_analysis', aggregateId: analysis.id });
      await store.appendMany(client, input.events(version));
      await addMonthlyUsage(client, analysis.tenantId, totals, now);
      return true;
    },
    { tenantId: analysis.tenantId },
  );
}

/** Tokens and cost of a finished run into its tenant's calendar month (UTC); the quota reads this. */
interface RunTotals {
  prompt_tokens: number;
  completion_tokens: number;
  cost: string;
}

async function addMonthlyUsage(client: pg.ClientBase, tenantId: string, totals: RunTotals, now: Date) {
  if (totals.prompt_tokens + totals.completion_tokens === 0 && new Decimal(totals.cost).isZero()) return;
  await client.query(
    `INSERT INTO ai_agents.tenant_usage AS u (tenant_id, month, prompt_tokens, completion_tokens, cost, runs)
     VALUES ($1, date_trunc('month', $2::timestamptz AT TIME ZONE 'UTC')::date, $3, $4, $5::numeric, 0)
     ON CONFLICT (tenant_id, month) DO UPDATE
       SET prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens,
           completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens,
           cost = u.cost + EXCLUDED.cost`,
    [tenantId, now, totals.prompt_tokens, totals.completion_tokens, totals.cost],
  );
}
