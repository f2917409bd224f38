import type pg from 'pg';
import { createEvent, type Actor, type EventEnvelope } from '@bizosaas/event-schemas';
import type { CampaignRow } from '../campaigns/campaign-read-model.ts';
import type { CampaignContext } from '../context.ts';
import { decidePacing, type PacingDecision, type SpendRecorded } from './pacing.ts';
import type { PacingBudget } from './pacing-caps.ts';
import { insertCommands, reachedKeys } from './pacing-commands.ts';
import { ledgerTotals, lockBudget, saveBudgetVersion, saveEntry, syncedAmount } from './spend-ledger.ts';

/** Who and what caused an entry: its events carry it. */
export interface SpendCause {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** The budget and schedule of the campaigns read model, as pacing reads them. */
export function budgetOf(campaign: CampaignRow): PacingBudget {
  return {
    totalBudget: campaign.totalBudget,
    dailyBudget: campaign.dailyBudget,
    currency: campaign.currency.trim(),
    firstDay: utcDay(campaign.startDate),
    lastDay: campaign.endDate && utcDay(campaign.endDate),
  };
}

function eventsOf(tenantId: string, version: number, decision: PacingDecision, cause: SpendCause, now: Date) {
  const base = { tenantId, actor: cause.actor, correlationId: cause.correlationId, causationId: cause.causationId };
  const campaignId = decision.spendRecorded!.campaignId;
  const clock = { now: () => now };
  const events: EventEnvelope[] = [
    createEvent(
      {
        ...base,
        type: 'campaign.spend_recorded',
        aggregateId: campaignId,
        aggregateVersion: version + 1,
        data: decision.spendRecorded!,
      },
      clock,
    ),
  ];
  for (const [index, data] of decision.limitsReached.entries())
    events.push(
      createEvent(
        {
          ...base,
          type: 'campaign.pacing_limit_reached',
          aggregateId: campaignId,
          aggregateVersion: version + 2 + index,
          data,
        },
        clock,
      ),
    );
  return events;
}

/**
 * Records one entry in the campaign's ledger inside the caller's tenant transaction: under the
 * campaign's budget lock it reads the ledger, decides (pacing.ts), appends the events to the
 * campaign_budget stream at the locked version, and writes the ledger line and the pacing
 * commands with them, so an event never commits without its command nor a command twice.
 * An ad platform's entry replaces what its last sync said; a manual entry whose id is already in
 * the ledger (a racing repeat of the same Idempotency-Key) records nothing: answers null.
 */
export async function recordSpend(
  ctx: CampaignContext,
  client: pg.PoolClient,
  tenantId: string,
  budget: PacingBudget,
  proposed: SpendRecorded,
  cause: SpendCause,
): Promise<PacingDecision | null> {
  const version = await lockBudget(client, tenantId, proposed.campaignId);
  const existing = await syncedAmount(client, tenantId, proposed.entryId);
  if (existing !== undefined && proposed.source === 'manual') return null;
  const entry = { ...proposed, previousAmount: existing ?? null };
  const totals = await ledgerTotals(client, tenantId, entry.campaignId, entry.date);
  const reached = await reachedKeys(client, tenantId, entry.campaignId);
  const decision = decidePacing({ budget, totals, reached, entry });
  if (!decision.spendRecorded) return decision;
  const now = ctx.now();
  const events = eventsOf(tenantId, version, decision, cause, now);
  const { nextExpectedVersion } = await ctx.store.append(client, {
    tenantId,
    aggregateType: 'campaign_budget',
    aggregateId: entry.campaignId,
    expectedVersion: version,
    events,
  });
  await saveEntry(client, tenantId, entry, now);
  const commands = decision.commands.map((command, index) => ({
    command,
    reached: decision.limitsReached[index]!,
    eventId: events[index + 1]!.id,
  }));
  await insertCommands(client, tenantId, commands, now);
  await saveBudgetVersion(client, tenantId, entry.campaignId, nextExpectedVersion);
  return decision;
}
