import fc from 'fast-check';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { decidePacing, reachedKey, type LedgerTotals, type PacingLimit, type SpendRecorded } from './pacing.ts';
import { Exact, moneyText, pacingCaps, type PacingBudget, type PacingCaps } from './pacing-caps.ts';

const campaignId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
const DAY_MS = 86_400_000;
const FIRST = Date.parse('2026-12-20');
const dayOf = (index: number) => new Date(FIRST + index * DAY_MS).toISOString().slice(0, 10);

type Op =
  { kind: 'manual'; day: number; cents: number } | { kind: 'sync'; day: number; cents: number; external: 'a' | 'b' };

// Days across a month's end, amounts around the daily budget: caps of each kind are met often.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('manual' as const), day: fc.nat(40), cents: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({
    kind: fc.constant('sync' as const),
    day: fc.nat(40),
    cents: fc.integer({ min: 0, max: 40_000 }),
    external: fc.constantFrom('a' as const, 'b' as const),
  }),
);
const budgetArb: fc.Arbitrary<PacingBudget> = fc.record({
  totalBudget: fc.integer({ min: 100, max: 800_000 }).map((cents) => moneyText(new Exact(cents).dividedBy(100))),
  dailyBudget: fc.option(
    fc.integer({ min: 100, max: 20_000 }).map((cents) => moneyText(new Exact(cents).dividedBy(100))),
  ),
  currency: fc.constant('EUR'),
  firstDay: fc.constant(dayOf(0)),
  lastDay: fc.option(fc.nat(90).map(dayOf)),
});

/** The ledger as the service keeps it: manual entries, and the last synced amount of each (external, day). */
class Ledger {
  readonly manual: { date: string; amount: Exact }[] = [];
  readonly synced = new Map<string, { date: string; amount: Exact }>();
  private all() {
    return [...this.manual, ...this.synced.values()];
  }
  sum(match: (date: string) => boolean): Exact {
    return this.all()
      .filter((entry) => match(entry.date))
      .reduce((total, entry) => total.plus(entry.amount), new Exact(0));
  }
}

function entryOf(op: Op, ledger: Ledger, index: number): SpendRecorded {
  const date = dayOf(op.day);
  const amount = moneyText(new Exact(op.cents).dividedBy(100));
  const previous = op.kind === 'sync' ? ledger.synced.get(`${op.external}:${date}`) : undefined;
  return {
    campaignId,
    entryId: `0192f5a4-0000-7000-8000-${String(index).padStart(12, '0')}`,
    date,
    amount,
    previousAmount: previous ? moneyText(previous.amount) : null,
    currency: 'EUR',
    source: op.kind === 'manual' ? 'manual' : 'ad_metrics',
    adCampaign: op.kind === 'sync' ? { provider: 'google_ads', externalCampaignId: op.external } : null,
  };
}

function apply(ledger: Ledger, op: Op, entry: SpendRecorded): void {
  const line = { date: entry.date, amount: new Exact(entry.amount) };
  if (op.kind === 'manual') ledger.manual.push(line);
  else ledger.synced.set(`${op.external}:${entry.date}`, line);
}

/** The ledger's sums for the entry's day, its month and overall. */
function totalsAt(ledger: Ledger, date: string) {
  const month = date.slice(0, 7);
  return {
    day: ledger.sum((day) => day === date),
    month: ledger.sum((day) => day.startsWith(month)),
    total: ledger.sum(() => true),
  };
}

/** Only a manual entry is ever refused, and only one that would pass a cap. */
function expectRightfulRefusal(error: unknown, op: Op, caps: PacingCaps, totals: LedgerTotals, amount: string) {
  expect(error).toBeInstanceOf(BusinessRuleViolation);
  expect(op.kind).toBe('manual');
  const pairs = [
    [caps.total, totals.total],
    [caps.monthly, totals.month],
    [caps.daily, totals.day],
  ] as const;
  expect(pairs.some(([cap, before]) => cap !== null && new Exact(before).plus(amount).greaterThan(cap))).toBe(true);
}

/**
 * After an accepted record: manual spend passes no cap, and every cap the ledger now meets that
 * was not acted on is acted on by this very record (day and month caps no longer once the total is).
 */
function expectActedOn(
  op: Op,
  caps: PacingCaps,
  ledger: Ledger,
  entry: SpendRecorded,
  reached: Set<string>,
  acted: Set<string>,
) {
  const now = totalsAt(ledger, entry.date);
  const spent: [PacingLimit, string, string | null, Exact][] = [
    ['total', 'total', caps.total, now.total],
    ['monthly', entry.date.slice(0, 7), caps.monthly, now.month],
    ['daily', entry.date, caps.daily, now.day],
  ];
  const totalMet = reached.has('total:total') || acted.has('total:total');
  for (const [limit, periodKey, cap, amount] of spent) {
    if (cap === null) continue;
    if (op.kind === 'manual') expect(amount.lessThanOrEqualTo(cap)).toBe(true);
    const key = reachedKey(limit, periodKey);
    if (amount.greaterThanOrEqualTo(cap) && !reached.has(key) && (limit === 'total' || !totalMet))
      expect(acted.has(key)).toBe(true);
  }
}

/** Plays the records through the decider as the service does; answers how many completions it emitted. */
function play(budget: PacingBudget, ops: Op[], ledger: Ledger, reached: Set<string>): number {
  const caps = pacingCaps(budget);
  let completions = 0;
  ops.forEach((op, index) => {
    const entry = entryOf(op, ledger, index);
    const sums = totalsAt(ledger, entry.date);
    const totals = { day: moneyText(sums.day), month: moneyText(sums.month), total: moneyText(sums.total) };
    let decision;
    try {
      decision = decidePacing({ budget, totals, reached, entry });
    } catch (error) {
      expectRightfulRefusal(error, op, caps, totals, entry.amount);
      return;
    }
    if (decision.spendRecorded) apply(ledger, op, entry);
    const acted = new Set(decision.commands.map((command) => reachedKey(command.limit, command.periodKey)));
    expect(decision.limitsReached.map((event) => event.limit)).toEqual(decision.commands.map((c) => c.limit));
    completions += decision.commands.filter((command) => command.action === 'complete').length;
    expectActedOn(op, caps, ledger, entry, reached, acted);
    for (const key of acted) {
      expect(reached.has(key)).toBe(false);
      reached.add(key);
    }
  });
  return completions;
}

describe('pacing (property)', () => {
  it('no sequence of spend records passes a cap without the pause or complete at that record; complete once', () => {
    fc.assert(
      fc.property(budgetArb, fc.array(opArb, { maxLength: 60 }), (budget, ops) => {
        const ledger = new Ledger();
        const reached = new Set<string>();
        const completions = play(budget, ops, ledger, reached);
        expect(completions).toBe(reached.has('total:total') ? 1 : 0);
        if (ledger.sum(() => true).greaterThanOrEqualTo(pacingCaps(budget).total)) expect(completions).toBe(1);
      }),
      { numRuns: 500 },
    );
  });
});
