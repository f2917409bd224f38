import type { FunnelSpec } from './funnel-engine.ts';

export interface SpecProblem {
  field: string;
  message: string;
}

/** Every reason the spec cannot be evaluated, each naming its field; empty when it is valid. */
export function funnelSpecProblems(spec: FunnelSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const steps = spec.steps;
  if (steps.length < 2 || steps.length > 10) problems.push({ field: 'steps', message: 'a funnel has 2 to 10 steps' });
  steps.forEach((step, i) => {
    const field = `steps.${i}`;
    if (step.eventType === '') problems.push({ field: `${field}.eventType`, message: 'must not be empty' });
    if (spec.order === 'any' && steps.slice(0, i).some((earlier) => earlier.eventType === step.eventType)) {
      problems.push({ field: `${field}.eventType`, message: 'steps of an any-order funnel need distinct event types' });
    }
    if (i === 0 && step.withinSeconds !== undefined) {
      problems.push({ field: `${field}.withinSeconds`, message: 'the first step has no window' });
    } else if (step.withinSeconds !== undefined && !(Number.isFinite(step.withinSeconds) && step.withinSeconds >= 0)) {
      problems.push({ field: `${field}.withinSeconds`, message: 'must be a non-negative number of seconds' });
    }
    (step.filters ?? []).forEach((filter, f) => {
      if (filter.property === '')
        problems.push({ field: `${field}.filters.${f}.property`, message: 'must not be empty' });
    });
  });
  if (spec.breakdown?.property === '') problems.push({ field: 'breakdown.property', message: 'must not be empty' });
  return [...problems, ...exclusionProblems(spec)];
}

function exclusionProblems(spec: FunnelSpec): SpecProblem[] {
  const exclusions = spec.exclusions ?? [];
  if (exclusions.length > 0 && spec.order === 'any') {
    return [{ field: 'exclusions', message: 'exclusions need an ordered or strict funnel' }];
  }
  const isStep = (n: number) => Number.isInteger(n) && n >= 1 && n <= spec.steps.length;
  return exclusions.flatMap((exclusion, x) => [
    ...(exclusion.eventType === '' ? [{ field: `exclusions.${x}.eventType`, message: 'must not be empty' }] : []),
    ...(isStep(exclusion.afterStep) ? [] : [{ field: `exclusions.${x}.afterStep`, message: 'must be a step number' }]),
    ...(isStep(exclusion.beforeStep) && exclusion.beforeStep > exclusion.afterStep
      ? []
      : [{ field: `exclusions.${x}.beforeStep`, message: 'must be a step number after afterStep' }]),
  ]);
}
