import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { EventData } from '@bizosaas/event-schemas';
import { Exact, moneyText, pacingCaps, type PacingBudget } from './pacing-caps.ts';

export type PacingLimit = 'daily' | 'monthly' | 'total';
export type SpendRecorded = EventData<'campaign.spend_recorded'>;
export type LimitReached = EventData<'campaign.pacing_limit_reached'>;

/** The ledger before the entry: the entry's day, the entry's calendar month, and everything. */
export interface LedgerTotals {
  day: string;
  month: string;
  total: string;
}

/** One command to domain-repository per cap reached (a pending row keyed by limit and period). */
export interface PacingCommand {
  limit: PacingLimit;
  /** YYYY-MM-DD (daily), YYYY-MM (monthly) or 'total'. */
  periodKey: string;
  action: 'pause' | 'complete';
}

export interface PacingInput {
  budget: PacingBudget;
  totals: LedgerTotals;
  /** `${limit}:${periodKey}` of the caps already acted on (their commands exist). */
  reached: ReadonlySet<string>;
  /** The entry as it will stand: a manual entry, or an ad platform's day total replacing previousAmount. */
  entry: SpendRecorded;
}

export interface PacingDecision {
  spendRecorded: SpendRecorded | null;
  limitsReached: LimitReached[];
  commands: PacingCommand[];
}

interface Cap {
  limit: PacingLimit;
  periodKey: string;
  period: string;
  cap: Exact;
  before: Exact;
  after: Exact;
}

export const reachedKey = (limit: PacingLimit, periodKey: string) => `${limit}:${periodKey}`;

function capsOf(input: PacingInput, delta: Exact): Cap[] {
  const caps = pacingCaps(input.budget);
  const { date } = input.entry;
  const month = date.slice(0, 7);
  const at = (limit: PacingLimit, cap: string | null, before: string, periodKey: string, period: string) =>
    cap === null
      ? []
      : [
          {
            limit,
            periodKey,
            period,
            cap: new Exact(cap),
            before: new Exact(before),
            after: new Exact(before).plus(delta),
          },
        ];
  return [
    ...at('total', caps.total, input.totals.total, 'total', date),
    ...at('monthly', caps.monthly, input.totals.month, month, `${month}-01`),
    ...at('daily', caps.daily, input.totals.day, date, date),
  ];
}

/**
 * A manual entry is money the tenant chooses to book: one that would take a day, a month or the
 * total past its cap is refused, naming the tightest cap and what remains under it. Reaching a
 * cap exactly is allowed (and acted on).
 */
function refuseOverCap(caps: Cap[], currency: string): void {
  const over = caps.filter((cap) => cap.after.greaterThan(cap.cap));
  if (over.length === 0) return;
  const remaining = (cap: Cap) => Exact.max(0, cap.cap.minus(cap.before));
  const tightest = over.reduce((a, b) => (remaining(b).lessThan(remaining(a)) ? b : a));
  throw new BusinessRuleViolation(
    `spend.within_${tightest.limit}_cap`,
    `The entry would take the ${tightest.limit} spend past its cap: ${moneyText(remaining(tightest))} ${currency} remain`,
    {
      limit: tightest.limit,
      period: tightest.period,
      cap: moneyText(tightest.cap),
      spent: moneyText(tightest.before),
      remaining: moneyText(remaining(tightest)),
      currency,
    },
  );
}

/**
 * Google Ads' pacing rule over a campaign's ledger, as a decider: no I/O, no clock. The entry is
 * recorded (ad metrics always: the money was spent; a manual one only within the caps), and each
 * cap the ledger now meets that was not acted on yet gives pacing_limit_reached with its
 * command: pause for a day's or a month's cap, complete (budget_exhausted) for the total. Once
 * the total is reached the campaign is over, so day and month caps no longer pause it.
 */
export function decidePacing(input: PacingInput): PacingDecision {
  const { entry, budget, reached } = input;
  const delta = new Exact(entry.amount).minus(entry.previousAmount ?? 0);
  if (entry.previousAmount !== null && delta.isZero()) return { spendRecorded: null, limitsReached: [], commands: [] };
  const caps = capsOf(input, delta);
  if (entry.source === 'manual') refuseOverCap(caps, budget.currency);
  const met = caps.filter((cap) => cap.after.greaterThanOrEqualTo(cap.cap));
  const totalMet = met.some((cap) => cap.limit === 'total');
  const fresh = met.filter(
    (cap) => !reached.has(reachedKey(cap.limit, cap.periodKey)) && (cap.limit === 'total' || !totalMet),
  );
  return {
    spendRecorded: entry,
    limitsReached: fresh.map((cap) => ({
      campaignId: entry.campaignId,
      limit: cap.limit,
      period: cap.period,
      spent: moneyText(cap.after),
      cap: moneyText(cap.cap),
      currency: budget.currency,
      action: cap.limit === 'total' ? 'completed' : 'paused',
    })),
    commands: fresh.map((cap) => ({
      limit: cap.limit,
      periodKey: cap.periodKey,
      action: cap.limit === 'total' ? 'complete' : 'pause',
    })),
  };
}
