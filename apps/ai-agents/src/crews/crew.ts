import type { z } from 'zod';
import type { ChatRequest, ChatResponse } from '../llm/chat.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The analysis types of the API (POST /api/v1/agents/analyses). */
export type AnalysisKind =
  'lead_scoring' | 'campaign_optimization' | 'seo_audit' | 'presence_audit' | 'content_generation';

/** A tool call that needs a person's yes before it runs (the run waits in awaiting_approval). */
export interface ApprovalRequest {
  reason: string;
}

/**
 * What a crew's code may do. Every call is one journaled step: on the first run it happens and
 * is recorded before the crew sees its result; on a resume or a replay the recorded result is
 * returned without calling again. A crew is therefore deterministic given its recorded steps: no
 * clock, no randomness, no I/O outside `tool` and `llm`.
 */
export interface StepContext {
  readonly tenantId: string;
  readonly analysisId: string;
  /** The request's correlation id: calls into the platform carry it (X-Correlation-ID). */
  readonly correlationId: string;
  /** The time the analysis was requested (a crew's only clock). */
  readonly requestedAt: Date;
  /** False when the tenant has no LLM configured: `llm` then fails with LLM_NOT_CONFIGURED. */
  readonly llmAvailable: boolean;
  /**
   * One tool call by `agent`. `run` does the work (HTTP through the outbound helper, a
   * platform call) and returns JSON; it is not called when the step is recorded. With
   * `approval`, the run first waits for a person: a declined or expired approval returns
   * `{ declined: true, reason }` as the result, and `run` never runs.
   */
  tool<T extends JsonValue>(
    agent: string,
    name: string,
    args: JsonObject,
    run: (signal: AbortSignal) => Promise<T>,
    options?: { approval?: ApprovalRequest },
  ): Promise<T | { declined: true; reason: string }>;
  /** One chat completion by `agent` (budgets and the loop guard count it). */
  llm(agent: string, request: ChatRequest): Promise<ChatResponse>;
}

/** What a crew hands back: the analysis's result. */
export interface CrewOutcome {
  summary: string;
  /** 0-100 */
  confidence: number;
  results: JsonObject;
}

/** A crew defined in code: which agents, in which order, doing what, for one analysis type. */
export interface Crew<S extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  kind: AnalysisKind;
  /** e.g. `lead-scoring-crew` */
  name: string;
  /** Bumped when prompts, tools or logic change; recorded on each analysis (evals compare versions). */
  version: string;
  /** The agents in the order they work (kebab-case names, as agent.task_* events carry them). */
  agents: readonly string[];
  subject: S;
  options: O;
  /** True when the crew cannot work without an LLM (fails at once with LLM_NOT_CONFIGURED). */
  requiresLlm: boolean;
  run(ctx: StepContext, subject: z.output<S>, options: z.output<O>): Promise<CrewOutcome>;
}

/** A failure a crew raises on purpose, with the code the analysis fails with. */
export class CrewError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'CrewError';
  }
}
