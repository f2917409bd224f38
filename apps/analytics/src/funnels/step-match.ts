import type { FunnelStep, JourneyEvent } from './funnel-engine.ts';

/** Whether an event matches a step: built once per step, since most steps have no filters. */
export function matcher(step: FunnelStep): (event: JourneyEvent) => boolean {
  const type = step.eventType;
  const filters = step.filters ?? [];
  if (filters.length === 0) return (event) => event.type === type;
  const holds = (event: JourneyEvent, filter: (typeof filters)[number]) =>
    filter.op === 'eq' ? event.props[filter.property] === filter.value : event.props[filter.property] !== filter.value;
  return (event) => event.type === type && filters.every((filter) => holds(event, filter));
}

/** Step `stepIndex`'s window in milliseconds (Infinity: none; step 1 never has one). */
export function windowMs(step: FunnelStep | undefined, stepIndex: number): number {
  return stepIndex === 0 || step?.withinSeconds === undefined ? Infinity : step.withinSeconds * 1000;
}
