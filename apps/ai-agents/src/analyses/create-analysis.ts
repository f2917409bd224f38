import type { z } from 'zod';
import { withTransaction } from '@bizosaas/db';
import { AppError, RateLimitedError, ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { derivedId, toFieldIssues, uuidv7, type Actor, type EventEnvelope } from '@bizosaas/event-schemas';
import type { AgentsContext } from '../context.ts';
import type { AnalysisKind, Crew, JsonObject } from '../crews/crew.ts';
import { budgetOf, type BudgetRequest } from '../runs/budget.ts';
import { requestedAppend } from '../runs/run-events.ts';
import { ANALYSIS_COLUMNS, toAnalysis, type AnalysisRecord, type AnalysisRow } from './analysis-record.ts';

export interface AnalysisRequest {
  analysisType: AnalysisKind;
  subject: JsonObject;
  options: JsonObject;
  budget?: BudgetRequest | undefined;
  priority: AnalysisRecord['priority'];
}

export interface RequestSource {
  tenantId: string;
  actor: Actor;
  requestedBy: string | null;
  correlationId: string;
  causationId: string | null;
  /** The same key (Idempotency-Key, or the causing event) answers the analysis it first made. */
  idempotencyKey?: string | undefined;
  /** Another service's ai.analysis_requested: its aggregate id is the analysis id, and it is the stream's first event. */
  requestedEvent?: EventEnvelope | undefined;
  replayOf?: string | undefined;
}

/** The tenant's quota and the model of a crew that needs one (from settings). */
export interface TenantLimits {
  monthlyTokenQuota: number;
  llmConfigured: boolean;
}

export class LlmNotConfiguredError extends AppError {
  constructor(analysisType: string) {
    super('LLM_NOT_CONFIGURED', 422, `${analysisType} needs an LLM and none is configured for this tenant`, {
      analysisType,
    });
  }
}

/**
 * Records a new analysis (queued) with its ai.analysis_requested event, in one transaction.
 * Subject and options are checked by the crew's schemas (errors name `subject.*`/`options.*`);
 * past the tenant's monthly token quota the answer is 429 and nothing is recorded. A repeated
 * idempotency key answers the analysis it made (created: false).
 */
export async function createAnalysis(
  ctx: AgentsContext,
  crew: Crew,
  request: AnalysisRequest,
  source: RequestSource,
  limits: TenantLimits,
): Promise<{ analysis: AnalysisRecord; created: boolean }> {
  const subject = parseField(crew.subject, request.subject, 'subject') as JsonObject;
  const options = parseField(crew.options, request.options, 'options') as JsonObject;
  if (crew.requiresLlm && !limits.llmConfigured) throw new LlmNotConfiguredError(request.analysisType);
  const now = ctx.now();
  const budget = budgetOf(request.budget, ctx.config);
  const id =
    source.requestedEvent?.aggregateId ??
    (source.idempotencyKey ? derivedId(source.tenantId, source.idempotencyKey) : uuidv7());
  return withTransaction(
    ctx.pool,
    async (client) => {
      await checkQuota(client, source.tenantId, limits.monthlyTokenQuota, now);
      const { rows } = await client.query<AnalysisRow>(
        `INSERT INTO ai_agents.analyses
           (id, tenant_id, analysis_type, subject, options, budget, crew, crew_version, status, priority,
            correlation_id, causation_id, requested_by, replay_of, deadline_at, created_at, updated_at, run_group)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, 'queued', $9, $10, $11, $12, $13, $14, $15, $15, $16)
         ON CONFLICT (id) DO NOTHING RETURNING ${ANALYSIS_COLUMNS}`,
        [
          id,
          source.tenantId,
          request.analysisType,
          JSON.stringify(subject),
          JSON.stringify(options),
          JSON.stringify(budget),
          crew.name,
          crew.version,
          request.priority,
          source.correlationId,
          source.causationId,
          source.requestedBy,
          source.replayOf ?? null,
          new Date(now.getTime() + budget.deadlineMs),
          now,
          ctx.config.RUN_GROUP,
        ],
      );
      const inserted = rows[0];
      if (!inserted) {
        const existing = await client.query<AnalysisRow>(
          `SELECT ${ANALYSIS_COLUMNS} FROM ai_agents.analyses WHERE id = $1`,
          [id],
        );
        return { analysis: toAnalysis(existing.rows[0]!), created: false };
      }
      const analysis = toAnalysis(inserted);
      // Asked for by another service: its event is kept as the stream's first (not published again).
      await ctx.store.append(
        client,
        source.requestedEvent
          ? { ...requestedAppend(analysis, source.actor, now), events: [source.requestedEvent], outbox: false }
          : requestedAppend(analysis, source.actor, now),
      );
      await client.query(
        `INSERT INTO ai_agents.tenant_usage AS u (tenant_id, month, runs)
         VALUES ($1, date_trunc('month', $2::timestamptz AT TIME ZONE 'UTC')::date, 1)
         ON CONFLICT (tenant_id, month) DO UPDATE SET runs = u.runs + 1`,
        [source.tenantId, now],
      );
      return { analysis, created: true };
    },
    { tenantId: source.tenantId },
  );
}

function parseField(schema: z.ZodType, value: unknown, field: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: FieldIssue[] = toFieldIssues(parsed.error, field).map((issue) => ({ ...issue, location: 'body' }));
  throw new ValidationError(`The ${field} does not fit this analysis type`, issues);
}

async function checkQuota(
  client: { query: AgentsContext['pool']['query'] },
  tenantId: string,
  quota: number,
  now: Date,
) {
  if (quota <= 0) return;
  const { rows } = await client.query<{ used: string }>(
    `SELECT (prompt_tokens + completion_tokens)::text AS used FROM ai_agents.tenant_usage
      WHERE tenant_id = $1 AND month = date_trunc('month', $2::timestamptz AT TIME ZONE 'UTC')::date`,
    [tenantId, now],
  );
  const used = Number(rows[0]?.used ?? 0);
  if (used < quota) return;
  const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  throw new RateLimitedError(Math.ceil((nextMonth - now.getTime()) / 1000), {
    reason: 'MONTHLY_TOKEN_QUOTA',
    monthlyTokenQuota: quota,
    tokensUsed: used,
  });
}
