import type { ErrorDetails } from '../errors.ts';

/** One broken rule: its stable name (`lead.convert.requires_qualified`), why, and the state that broke it. */
export interface RuleFailure {
  readonly rule: string;
  readonly reason: string;
  readonly details?: ErrorDetails;
}

/**
 * A named business rule over candidates of type `T`. `explain` lists every rule the candidate
 * breaks (empty exactly when `isSatisfiedBy` is true), so a validator can report them all at once.
 */
export interface Specification<T> {
  readonly rule: string;
  isSatisfiedBy(candidate: T): boolean;
  explain(candidate: T): RuleFailure[];
}

/** How a failure is described: a fixed reason, or one built from the candidate (with details). */
export type FailureDescription<T> =
  string | ((candidate: T) => string | { readonly reason: string; readonly details?: ErrorDetails });

/** A leaf specification: `specification('lead.is_qualified', (l) => l.status === 'qualified', (l) => ...)`. */
export function specification<T>(
  rule: string,
  test: (candidate: T) => boolean,
  failure: FailureDescription<T>,
): Specification<T> {
  return {
    rule,
    isSatisfiedBy: test,
    explain: (candidate) => (test(candidate) ? [] : [describeFailure(rule, failure, candidate)]),
  };
}

/** Builds the failure of `rule` for `candidate` from a description. */
export function describeFailure<T>(rule: string, failure: FailureDescription<T>, candidate: T): RuleFailure {
  const described = typeof failure === 'function' ? failure(candidate) : failure;
  if (typeof described === 'string') return { rule, reason: described };
  return described.details === undefined
    ? { rule, reason: described.reason }
    : { rule, reason: described.reason, details: described.details };
}
