import { describeFailure, type FailureDescription, type RuleFailure, type Specification } from './specification.ts';

/** Satisfied when every part is; explains every part that fails (no short-circuit in `explain`). */
export function and<T>(...parts: readonly [Specification<T>, ...Specification<T>[]]): Specification<T> {
  return {
    rule: parts.length === 1 ? parts[0].rule : `(${parts.map((p) => p.rule).join(' and ')})`,
    isSatisfiedBy: (candidate) => parts.every((p) => p.isSatisfiedBy(candidate)),
    explain: (candidate) => parts.flatMap((p) => p.explain(candidate)),
  };
}

/**
 * Satisfied when any part is. A failure is one entry for the whole alternative, with each
 * part's own failures under `details.alternatives`.
 */
export function or<T>(...parts: readonly [Specification<T>, ...Specification<T>[]]): Specification<T> {
  const rule = parts.length === 1 ? parts[0].rule : `(${parts.map((p) => p.rule).join(' or ')})`;
  const isSatisfiedBy = (candidate: T) => parts.some((p) => p.isSatisfiedBy(candidate));
  return {
    rule,
    isSatisfiedBy,
    explain: (candidate) => {
      if (isSatisfiedBy(candidate)) return [];
      const alternatives = parts.flatMap((p) => p.explain(candidate));
      const reason = `none of: ${alternatives.map((a) => a.reason).join('; ')}`;
      return [{ rule, reason, details: { alternatives } }];
    },
  };
}

/** Satisfied when `inner` is not; the default reason names the rule that must not hold. */
export function not<T>(inner: Specification<T>): Specification<T> {
  const rule = `not ${inner.rule}`;
  return {
    rule,
    isSatisfiedBy: (candidate) => !inner.isSatisfiedBy(candidate),
    explain: (candidate) =>
      inner.isSatisfiedBy(candidate) ? [{ rule, reason: `must not satisfy ${inner.rule}` }] : [],
  };
}

/**
 * Gives a composite a business name: one failure under `rule` with `failure` as reason, the
 * inner failures kept under `details.because`. `named(or(hasEmail, hasPhone), 'lead.reachable', 'needs an email or a phone')`.
 */
export function named<T>(inner: Specification<T>, rule: string, failure: FailureDescription<T>): Specification<T> {
  return {
    rule,
    isSatisfiedBy: (candidate) => inner.isSatisfiedBy(candidate),
    explain: (candidate) => {
      const because: RuleFailure[] = inner.explain(candidate);
      if (because.length === 0) return [];
      const described = describeFailure(rule, failure, candidate);
      return [{ ...described, details: { ...described.details, because } }];
    },
  };
}
