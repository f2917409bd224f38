import type { RuleCondition } from './rule.ts';

/** The value at a dotted path of the event's data; undefined when a step is missing. */
export function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const step of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/**
 * Whether one condition holds. A missing field, or a non-number under a comparison, fails it:
 * a rule never fires on data it cannot read.
 */
export function conditionHolds(condition: RuleCondition, data: unknown): boolean {
  const value = valueAt(data, condition.field);
  if (value === undefined) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.in !== undefined && !condition.in.some((option) => option === value)) return false;
  const bounds = [condition.gt, condition.gte, condition.lt, condition.lte];
  if (bounds.every((bound) => bound === undefined)) return true;
  if (typeof value !== 'number') return false;
  return (
    (condition.gt === undefined || value > condition.gt) &&
    (condition.gte === undefined || value >= condition.gte) &&
    (condition.lt === undefined || value < condition.lt) &&
    (condition.lte === undefined || value <= condition.lte)
  );
}

/** Every condition holds (no conditions: always). */
export const whenHolds = (when: readonly RuleCondition[] | null, data: unknown): boolean =>
  (when ?? []).every((condition) => conditionHolds(condition, data));
