export * from './errors.ts';
export type { Command, CommandActor, CommandMetadata } from './command.ts';
export { fold, type Decider } from './decider/decider.ts';
export { deciderSpec, type DeciderOutcome } from './decider/decider-spec.ts';
export {
  describeFailure,
  specification,
  type FailureDescription,
  type RuleFailure,
  type Specification,
} from './specification/specification.ts';
export { and, named, not, or } from './specification/combinators.ts';
export { assertSatisfies, isNonEmpty, ruleViolation } from './specification/rule-violation.ts';
export { valueObject, type Branded, type ValueObjectType, type ValueOf } from './value-object/value-object.ts';
export { deepFreeze, type DeepReadonly } from './value-object/deep-freeze.ts';
export { describeIssues, fieldIssuesOf, type IssueContext } from './value-object/field-issues.ts';
export { Money } from './money/money.ts';
export type { Rounding } from './money/decimal.ts';
export { futureFactIssues, refuseFutureFacts, type FactInstants } from './time/future-facts.ts';
