import type { PlanStep } from '../plans/plan-schema.ts';
import { REST_VARIANT, type AbTest } from './ab-test-schema.ts';

export type AbStep = Extract<PlanStep, { type: 'send' }> & { abTest: AbTest };

/** The plan's A/B step (a plan has one at most) and its index. */
export function abStepOf(steps: readonly PlanStep[]): { index: number; step: AbStep } | undefined {
  const index = steps.findIndex((step) => step.type === 'send' && step.abTest !== undefined);
  return index === -1 ? undefined : { index, step: steps[index] as AbStep };
}

/** What a send step sends a recipient: its template, and the variant it stands for (null: no test). */
export interface Choice {
  templateKey: string;
  variant: string | null;
}

/**
 * The template a send step sends to a recipient of `variant` (the enrolment's): its own without a
 * test; a test variant's to that variant's group; the winner's to the rest once there is one, and
 * `undefined` before (the recipient waits for the decision).
 */
export function chooseTemplate(
  step: Extract<PlanStep, { type: 'send' }>,
  variant: string | null,
  winner: string | undefined,
): Choice | undefined {
  if (!step.abTest) return { templateKey: step.templateKey, variant: null };
  const tested = step.abTest.variants.find((candidate) => candidate.key === variant && variant !== REST_VARIANT);
  if (tested) return { templateKey: tested.templateKey, variant: tested.key };
  const chosen = step.abTest.variants.find((candidate) => candidate.key === winner);
  return chosen ? { templateKey: chosen.templateKey, variant: chosen.key } : undefined;
}
