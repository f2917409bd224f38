import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { ANALYSIS_COLUMNS, toAnalysis, type AnalysisRecord, type AnalysisRow } from '../analyses/analysis-record.ts';
import type { AgentsContext } from '../context.ts';
import type { AnalysisKind, Crew } from '../crews/crew.ts';
import type { LlmClient } from '../llm/chat.ts';
import { loadJournal } from '../runs/journal.ts';
import { failureOf } from '../runs/run-failure.ts';
import { agrees } from './agreement.ts';
import { createEvalStepContext } from './eval-step-context.ts';

export interface EvalItem {
  analysisId: string;
  recordedCrewVersion: string;
  agreed: boolean;
  recorded: unknown;
  evaluated: unknown;
  error?: string;
}

/** The completed analyses an eval replays: the ones named, or the tenant's latest of the type. */
export async function evalSubjects(
  client: pg.ClientBase,
  kind: AnalysisKind,
  ids: string[] | undefined,
  limit: number,
) {
  const { rows } = await client.query<AnalysisRow>(
    `SELECT ${ANALYSIS_COLUMNS} FROM ai_agents.analyses
      WHERE analysis_type = $1 AND status = 'completed' AND replay_of IS NULL AND ($2::uuid[] IS NULL OR id = ANY($2))
      ORDER BY created_at DESC LIMIT $3`,
    [kind, ids ?? null, limit],
  );
  return rows.map(toAnalysis);
}

/** One recorded analysis run again by `crew` (nothing is written, no tool is called). */
async function evaluate(
  ctx: AgentsContext,
  crew: Crew,
  source: AnalysisRecord,
  llm: LlmClient | null,
): Promise<EvalItem> {
  const steps = await loadJournal(ctx.pool, source.tenantId, source.id);
  const base = { analysisId: source.id, recordedCrewVersion: source.crewVersion, recorded: source.result };
  try {
    const outcome = await crew.run(
      createEvalStepContext(source, steps, llm),
      crew.subject.parse(source.subject),
      crew.options.parse(source.options),
    );
    return { ...base, evaluated: outcome.results, agreed: agrees(source.analysisType, source.result, outcome.results) };
  } catch (error) {
    const failure = failureOf(error);
    return { ...base, evaluated: null, agreed: false, error: `${failure.code}: ${failure.message}` };
  }
}

/** Runs every item of an eval, one after another, and records the outcome on its row. */
export async function runEval(
  ctx: AgentsContext,
  input: { evalId: string; tenantId: string; crew: Crew; sources: AnalysisRecord[]; llm: LlmClient | null },
): Promise<void> {
  const items: EvalItem[] = [];
  for (const source of input.sources) items.push(await evaluate(ctx, input.crew, source, input.llm));
  await withTransaction(
    ctx.pool,
    (client) =>
      client.query(
        `UPDATE ai_agents.evals SET status = 'completed', total = $2, agreed = $3, results = $4::jsonb, finished_at = $5
          WHERE id = $1`,
        [input.evalId, items.length, items.filter((item) => item.agreed).length, JSON.stringify(items), ctx.now()],
      ),
    { tenantId: input.tenantId },
  );
}
