import type { PlanStep } from '../plans/plan-schema.ts';
import type { Journey } from './walk-recipient.ts';

const SAMPLE_SIZE = 20;

export interface StepOutcome {
  stepId: string;
  wouldSend: number;
  capped: number;
  noAddress: number;
  noConsent: number;
}

export interface JourneySummary {
  reached: number;
  messages: number;
  byStep: StepOutcome[];
  sample: Journey[];
}

/** Counts per send step (in the plan's order), recipients reached and messages, and the first journeys. */
export function summariseJourneys(steps: readonly PlanStep[], journeys: readonly Journey[]): JourneySummary {
  const byStep = new Map<string, StepOutcome>();
  for (const step of steps)
    if (step.type === 'send')
      byStep.set(step.id, { stepId: step.id, wouldSend: 0, capped: 0, noAddress: 0, noConsent: 0 });
  let reached = 0;
  let messages = 0;
  for (const journey of journeys) {
    if (journey.path.length > 0) reached += 1;
    messages += journey.path.length;
    for (const stepId of journey.path) byStep.get(stepId)!.wouldSend += 1;
    for (const skip of journey.skipped) {
      const outcome = byStep.get(skip.stepId)!;
      if (skip.reason === 'capped') outcome.capped += 1;
      else if (skip.reason === 'no_consent') outcome.noConsent += 1;
      else outcome.noAddress += 1;
    }
  }
  return { reached, messages, byStep: [...byStep.values()], sample: journeys.slice(0, SAMPLE_SIZE) };
}
