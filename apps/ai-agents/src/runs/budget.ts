import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { RunFailure } from './run-failure.ts';

const decimalString = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,6})?$/, 'must be a decimal string such as "0.50"')
  .describe('decimal string');

/** What an analysis may spend, as asked in its request (each optional: the service's default applies). */
export const budgetRequest = z.strictObject({
  maxSteps: z.int().min(1).max(1000).optional(),
  maxToolCalls: z.int().min(0).max(1000).optional(),
  maxTokens: z.int().min(1).max(10_000_000).optional(),
  maxCost: decimalString.optional().describe("in the currency of the tenant's LLM prices; decimal string"),
  deadlineMs: z.int().min(1000).max(86_400_000).optional(),
});
export type BudgetRequest = z.output<typeof budgetRequest>;

/** The budget recorded on the analysis: every limit set. `maxCost` null = no cost limit. */
export const budgetSchema = z.object({
  maxSteps: z.int(),
  maxToolCalls: z.int(),
  maxTokens: z.int(),
  maxCost: decimalString.nullable(),
  deadlineMs: z.int(),
});
export type Budget = z.output<typeof budgetSchema>;

export interface BudgetDefaults {
  RUN_DEFAULT_MAX_STEPS: number;
  RUN_DEFAULT_MAX_TOOL_CALLS: number;
  RUN_DEFAULT_MAX_TOKENS: number;
  RUN_DEFAULT_DEADLINE_MS: number;
}

export function budgetOf(request: BudgetRequest | undefined, defaults: BudgetDefaults): Budget {
  return {
    maxSteps: request?.maxSteps ?? defaults.RUN_DEFAULT_MAX_STEPS,
    maxToolCalls: request?.maxToolCalls ?? defaults.RUN_DEFAULT_MAX_TOOL_CALLS,
    maxTokens: request?.maxTokens ?? defaults.RUN_DEFAULT_MAX_TOKENS,
    maxCost: request?.maxCost ?? null,
    deadlineMs: request?.deadlineMs ?? defaults.RUN_DEFAULT_DEADLINE_MS,
  };
}

/** What a run has used so far (recorded steps included). */
export interface Usage {
  steps: number;
  toolCalls: number;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  cost: Decimal;
}

export const emptyUsage = (): Usage => ({
  steps: 0,
  toolCalls: 0,
  llmCalls: 0,
  promptTokens: 0,
  completionTokens: 0,
  cost: new Decimal(0),
});

/**
 * Before a step: refuses one that would go past a count limit or the deadline, or start when
 * tokens or cost are already spent. Tokens and cost are known only after an LLM answers, so the
 * step that crosses the line is recorded and the next check stops the run (see `checkAfter`).
 */
export function checkBefore(usage: Usage, budget: Budget, kind: 'tool' | 'llm', now: Date, deadlineAt: Date): void {
  if (now.getTime() >= deadlineAt.getTime())
    throw new RunFailure('DEADLINE_EXCEEDED', `the run passed its deadline of ${budget.deadlineMs} ms`, true);
  if (usage.steps >= budget.maxSteps)
    throw new RunFailure('BUDGET_EXCEEDED', `the run reached its limit of ${budget.maxSteps} steps`);
  if (kind === 'tool' && usage.toolCalls >= budget.maxToolCalls)
    throw new RunFailure('BUDGET_EXCEEDED', `the run reached its limit of ${budget.maxToolCalls} tool calls`);
  checkAfter(usage, budget);
}

/** After a step: tokens or cost past the limit end the run (what was used stays recorded). */
export function checkAfter(usage: Usage, budget: Budget): void {
  const tokens = usage.promptTokens + usage.completionTokens;
  if (tokens > budget.maxTokens)
    throw new RunFailure('BUDGET_EXCEEDED', `the run used ${tokens} tokens, over its limit of ${budget.maxTokens}`);
  if (budget.maxCost !== null && usage.cost.greaterThan(budget.maxCost))
    throw new RunFailure(
      'BUDGET_EXCEEDED',
      `the run cost ${usage.cost.toFixed(6)}, over its limit of ${budget.maxCost}`,
    );
}
