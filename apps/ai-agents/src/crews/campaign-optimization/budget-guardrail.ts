import { Decimal } from 'decimal.js';
import type { ApprovalRequest } from '../crew.ts';
import type { GuardrailSettings, OptimizationChange } from './campaign-optimization-schemas.ts';

// Plain decimals only: Decimal also reads "1e3", "0x10" and "Infinity", which are no amounts.
const DECIMAL = /^-?\d{1,15}(?:\.\d{1,6})?$/;

const decimalOf = (text: string | null): Decimal | null =>
  text !== null && DECIMAL.test(text.trim()) ? new Decimal(text.trim()) : null;

/** How far a budget change moves the budget; null when its values are not both decimals. */
export function budgetShift(change: OptimizationChange): Decimal | null {
  const before = decimalOf(change.previousValue);
  const after = decimalOf(change.newValue);
  return before && after ? after.minus(before).abs() : null;
}

/** Why one change needs a person, or undefined when the guardrails let it through. */
function overLimit(change: OptimizationChange, limit: Decimal | null): string | undefined {
  const where = change.channel ?? 'the campaign';
  if (change.kind === 'channel_paused') return `pauses ${where}`;
  if (change.kind !== 'budget_reallocation') return undefined;
  const values = `${change.previousValue ?? 'none'} -> ${change.newValue ?? 'none'}`;
  const shift = budgetShift(change);
  if (shift === null) return `moves the budget of ${where} by an amount that is not a decimal (${values})`;
  if (limit === null) return `moves the budget of ${where} by ${shift.toFixed()} (${values}) with no limit set`;
  if (shift.greaterThan(limit))
    return `moves the budget of ${where} by ${shift.toFixed()} (${values}), over the limit of ${limit.toFixed()} per day`;
  return undefined;
}

/**
 * The approval the changes need before they are applied: when a budget change moves more than
 * the tenant's maxBudgetShiftPerDay (each change on its own, computed in decimals; a change whose
 * values are not amounts counts as over it; no limit means every budget change asks), or a
 * channel is paused. Undefined when none of them needs a person.
 */
export function approvalFor(
  changes: readonly OptimizationChange[],
  settings: GuardrailSettings,
): ApprovalRequest | undefined {
  // A limit that is not a decimal protects nothing: treated as no limit, so every budget change asks.
  const limit = decimalOf(settings.maxBudgetShiftPerDay);
  const reasons = changes.flatMap((change) => overLimit(change, limit) ?? []);
  if (reasons.length === 0) return undefined;
  return { reason: `The optimisation ${reasons.join('; ')}.` };
}
