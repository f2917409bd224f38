import { Exact, moneyText, pacingCaps, scheduleDays, type PacingBudget } from '../spend/pacing-caps.ts';

const DAY_MS = 86_400_000;

/** What the campaign's ledger holds: its sum and the first and last days with an entry (YYYY-MM-DD). */
export interface LedgerSummary {
  total: string;
  firstDay: string;
  lastDay: string;
}

export interface Money {
  amount: string;
  currency: string;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const addDays = (day: string, days: number) => utcDay(new Date(Date.parse(day) + days * DAY_MS));
const later = (a: string, b: string) => (a > b ? a : b);
const earlier = (a: string, b: string) => (a < b ? a : b);

/** Days from `first` to `last`, both included; 0 when `last` is before `first`. */
const daysFromTo = (first: string, last: string) => (last < first ? 0 : scheduleDays(first, last));

/**
 * The spend the campaign is heading for from `from`, never more than its total budget less what
 * the ledger has spent. With a ledger: its average daily spend (its sum over the days from its
 * first to its last entry) times the schedule's days left (from `from`'s UTC day through the last
 * day; an open-ended schedule: through the horizon). Without one: the daily budget (else the
 * total spread over the schedule, as pacing averages it) times the horizon's days inside the
 * schedule. Null without a budget to go by (an open-ended schedule with no daily budget and no ledger).
 */
export function projectSpend(
  budget: PacingBudget,
  ledger: LedgerSummary | null,
  from: Date,
  horizonDays: number,
): Money | null {
  const spent = new Exact(ledger?.total ?? 0);
  const remaining = Exact.max(0, new Exact(budget.totalBudget).minus(spent));
  const fromDay = utcDay(from);
  const horizonEnd = addDays(fromDay, horizonDays - 1);
  const start = later(fromDay, budget.firstDay);
  let projected: Exact;
  if (ledger) {
    const average = spent.dividedBy(scheduleDays(ledger.firstDay, ledger.lastDay));
    projected = average.times(daysFromTo(start, budget.lastDay ?? horizonEnd));
  } else {
    const perDay = budget.dailyBudget ?? pacingCaps(budget).averageDaily;
    if (perDay === null) return null;
    const end = budget.lastDay === null ? horizonEnd : earlier(horizonEnd, budget.lastDay);
    projected = new Exact(perDay).times(daysFromTo(start, end));
  }
  return { amount: moneyText(Exact.min(projected, remaining)), currency: budget.currency };
}
