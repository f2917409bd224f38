import { BusinessRuleViolation } from '../errors.ts';
import type { RuleFailure, Specification } from './specification.ts';

/**
 * One BUSINESS_RULE_VIOLATION (422) for one or more broken rules: `rule` is the first one,
 * `details.violations` lists them all; a single failure's details (e.g. `currentStatus`) are
 * also spread into `details`.
 */
export function ruleViolation(failures: readonly [RuleFailure, ...RuleFailure[]]): BusinessRuleViolation {
  const [first] = failures;
  const message = failures.map((f) => f.reason).join('; ');
  const own = failures.length === 1 ? first.details : undefined;
  return new BusinessRuleViolation(first.rule, message, { ...own, violations: failures });
}

/** Throws the violation of every rule `candidate` breaks; returns quietly when it satisfies `spec`. */
export function assertSatisfies<T>(spec: Specification<T>, candidate: T): void {
  const failures = spec.explain(candidate);
  if (isNonEmpty(failures)) throw ruleViolation(failures);
}

/** Narrows a list of failures to the non-empty tuple `ruleViolation` takes. */
export function isNonEmpty<T>(items: readonly T[]): items is readonly [T, ...T[]] {
  return items.length > 0;
}
