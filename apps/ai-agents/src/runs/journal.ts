import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';

export type StepKind = 'llm' | 'tool' | 'approval';

/** One recorded step of a run: what was asked and what came back. */
export interface JournalStep {
  seq: number;
  kind: StepKind;
  agent: string;
  name: string;
  /** JSON: a tool's arguments, an LLM request, an approval's tool arguments. */
  input: unknown;
  /** JSON: a tool's result, an LLM response, an approval decision. */
  output: unknown;
  promptTokens: number;
  completionTokens: number;
  /** decimal string */
  cost: string;
  durationMs: number;
  recordedAt: string;
}

interface StepRow {
  seq: number;
  kind: StepKind;
  agent: string;
  name: string;
  input: unknown;
  output: unknown;
  prompt_tokens: number;
  completion_tokens: number;
  cost: string;
  duration_ms: number;
  recorded_at: Date;
}

const toStep = (row: StepRow): JournalStep => ({
  seq: row.seq,
  kind: row.kind,
  agent: row.agent,
  name: row.name,
  input: row.input,
  output: row.output,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  cost: row.cost,
  durationMs: row.duration_ms,
  recordedAt: row.recorded_at.toISOString(),
});

/** A run's recorded steps in order (from `afterSeq` on), inside the caller's tenant transaction. */
export async function readJournal(client: pg.ClientBase, analysisId: string, afterSeq = 0): Promise<JournalStep[]> {
  const { rows } = await client.query<StepRow>({
    name: 'journal-load',
    text: `SELECT seq, kind, agent, name, input, output, prompt_tokens, completion_tokens, cost::text AS cost,
                  duration_ms, recorded_at
             FROM ai_agents.analysis_steps WHERE analysis_id = $1 AND seq > $2 ORDER BY seq`,
    values: [analysisId, afterSeq],
  });
  return rows.map(toStep);
}

/** The same in a transaction of its own. */
export const loadJournal = (pool: pg.Pool, tenantId: string, analysisId: string, afterSeq = 0) =>
  withTransaction(pool, (client) => readJournal(client, analysisId, afterSeq), { tenantId });

// One autocommitted statement per step: it sets the tenant for itself (the row is looked up by an
// id that only `tenant` yields, so row-level security is checked after the setting is made), adds the step to the run's counters and renews the lease, and records the step only
// while this owner still runs the analysis. A cancelled run, or one another replica took over,
// records nothing: the caller stops (RunLost).
const APPEND = `WITH tenant AS (SELECT set_config('app.current_tenant_id', $1::text, true) AS id),
  owned AS (
    UPDATE ai_agents.analyses a
       SET steps = steps + 1, tool_calls = tool_calls + $14, llm_calls = llm_calls + $15,
           prompt_tokens = prompt_tokens + $9, completion_tokens = completion_tokens + $10,
           cost = cost + $11::numeric, updated_at = $13,
           lease_until = $13::timestamptz + make_interval(secs => $16::double precision / 1000)
     WHERE a.id = (SELECT $2::uuid FROM tenant WHERE tenant.id IS NOT NULL) AND a.owner = $3 AND a.status = 'running'
     RETURNING a.tenant_id),
  step AS (
    INSERT INTO ai_agents.analysis_steps
      (analysis_id, seq, tenant_id, kind, agent, name, input, output, prompt_tokens, completion_tokens, cost,
       duration_ms, recorded_at)
    SELECT $2, $4, owned.tenant_id, $5, $6, $7, $8::jsonb, $17::jsonb, $9, $10, $11::numeric, $12, $13 FROM owned
    RETURNING seq)
  SELECT EXISTS (SELECT 1 FROM step) AS recorded`;

export interface AppendStepInput {
  tenantId: string;
  analysisId: string;
  owner: string;
  leaseMs: number;
  step: Omit<JournalStep, 'recordedAt'> & { recordedAt: Date };
}

/** Records a step; false when the run is no longer this owner's (nothing was written). */
export async function appendStep(pool: pg.Pool, input: AppendStepInput): Promise<boolean> {
  const { step } = input;
  const { rows } = await pool.query<{ recorded: boolean }>({
    name: 'journal-append',
    text: APPEND,
    values: [
      input.tenantId,
      input.analysisId,
      input.owner,
      step.seq,
      step.kind,
      step.agent,
      step.name,
      JSON.stringify(step.input),
      step.promptTokens,
      step.completionTokens,
      step.cost,
      step.durationMs,
      step.recordedAt,
      step.kind === 'tool' ? 1 : 0,
      step.kind === 'llm' ? 1 : 0,
      input.leaseMs,
      JSON.stringify(step.output),
    ],
  });
  return rows[0]?.recorded === true;
}
