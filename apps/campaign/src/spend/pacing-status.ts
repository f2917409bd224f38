import type pg from 'pg';
import { z } from 'zod';
import { currency, moneyAmount } from '@bizosaas/event-schemas';
import { campaignOr404 } from './manual-spend.ts';
import { reachedKey } from './pacing.ts';
import { Exact, moneyText, pacingCaps } from './pacing-caps.ts';
import { reachedKeys, recentActions } from './pacing-commands.ts';
import { budgetOf } from './record-spend.ts';
import { ledgerTotals } from './spend-ledger.ts';

const RECENT_ACTIONS = 10;

const capView = z.strictObject({
  period: z.string().describe('The day (YYYY-MM-DD), the month (YYYY-MM) or "total"'),
  cap: moneyAmount,
  spent: moneyAmount,
  remaining: moneyAmount,
});

export const pacingView = z.strictObject({
  campaignId: z.uuid(),
  currency,
  budget: z.strictObject({
    totalBudget: moneyAmount,
    dailyBudget: moneyAmount.nullable(),
    averageDailyBudget: moneyAmount.nullable().describe('dailyBudget, or the total over the schedule days'),
  }),
  caps: z.strictObject({
    daily: capView.nullable().describe('Today (UTC): 2x the average daily budget; null without an average'),
    monthly: capView.nullable().describe('This calendar month: 30.4x the average daily budget'),
    total: capView,
  }),
  entries: z.int().min(0),
  status: z.enum(['on_track', 'daily_cap_reached', 'monthly_cap_reached', 'budget_exhausted']),
  lastActions: z
    .array(
      z.strictObject({
        limit: z.enum(['daily', 'monthly', 'total']),
        period: z.iso.date(),
        action: z.enum(['pause', 'complete']),
        spent: moneyAmount,
        cap: moneyAmount,
        status: z
          .enum(['pending', 'done', 'refused'])
          .describe('refused: the campaign no longer allowed it (done too)'),
        attempts: z.int().min(0),
        lastError: z.string().nullable(),
        createdAt: z.iso.datetime(),
        finishedAt: z.iso.datetime().nullable(),
      }),
    )
    .describe('The latest pause and complete commands of pacing, newest first'),
});
export type PacingView = z.output<typeof pacingView>;

function capOf(period: string, cap: string | null, spent: string) {
  if (cap === null) return null;
  const remaining = Exact.max(0, new Exact(cap).minus(spent));
  return { period, cap, spent: moneyText(new Exact(spent)), remaining: moneyText(remaining) };
}

const met = (cap: { cap: string; spent: string } | null) =>
  cap !== null && new Exact(cap.spent).greaterThanOrEqualTo(cap.cap);

type Caps = PacingView['caps'];

/** The tightest cap reached today: met by the ledger, or acted on (a re-sync may have lowered the spend since). */
function statusOf(caps: Caps, reached: Set<string>, today: string): PacingView['status'] {
  if (met(caps.total) || reached.has(reachedKey('total', 'total'))) return 'budget_exhausted';
  if (met(caps.monthly) || reached.has(reachedKey('monthly', today.slice(0, 7)))) return 'monthly_cap_reached';
  if (met(caps.daily) || reached.has(reachedKey('daily', today))) return 'daily_cap_reached';
  return 'on_track';
}

async function entryCount(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM spend_entries WHERE tenant_id = $1 AND campaign_id = $2',
    [tenantId, campaignId],
  );
  return rows[0]!.n;
}

/** The campaign's spend against its caps today, this month (UTC) and overall. */
export async function readPacing(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  now: Date,
): Promise<PacingView> {
  const budget = budgetOf(await campaignOr404(client, tenantId, campaignId));
  const today = now.toISOString().slice(0, 10);
  const limits = pacingCaps(budget);
  const totals = await ledgerTotals(client, tenantId, campaignId, today);
  const caps = {
    daily: capOf(today, limits.daily, totals.day),
    monthly: capOf(today.slice(0, 7), limits.monthly, totals.month),
    total: capOf('total', limits.total, totals.total)!,
  };
  return {
    campaignId,
    currency: budget.currency,
    budget: { totalBudget: limits.total, dailyBudget: budget.dailyBudget, averageDailyBudget: limits.averageDaily },
    caps,
    entries: await entryCount(client, tenantId, campaignId),
    status: statusOf(caps, await reachedKeys(client, tenantId, campaignId), today),
    lastActions: await recentActions(client, tenantId, campaignId, RECENT_ACTIONS),
  };
}
