import type pg from 'pg';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { findCampaign } from '../campaigns/campaign-read-model.ts';
import { findCap } from '../caps/frequency-cap.routes.ts';
import { findPlan } from '../plans/plan-store.ts';
import { budgetOf } from '../spend/record-spend.ts';
import { ledgerSummary } from './ledger-summary.ts';
import { loadRecipients } from './load-recipients.ts';
import { projectSpend } from './projected-spend.ts';
import type { SimulateBody, SimulationReport } from './simulate-schema.ts';
import { summariseJourneys } from './summarise-journeys.ts';
import { assumedWinners, walkRecipient } from './walk-recipient.ts';

const DAY_MS = 86_400_000;

/**
 * Replays the plan (the body's, else the saved one) over the audience and history recorded now,
 * in the caller's read-only tenant transaction: a few statements load everything, the walk runs
 * in memory. A campaign this tenant has neither heard of nor planned is 404, like another tenant's.
 */
export async function runSimulation(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  body: SimulateBody,
  now: Date,
): Promise<SimulationReport> {
  const { campaign, plan } = await planToReplay(client, tenantId, campaignId, body);
  const from = body.from === undefined ? now : new Date(body.from);
  const until = new Date(from.getTime() + body.horizonDays * DAY_MS);
  const cap = await findCap(client, tenantId);
  const audience = await loadRecipients(client, tenantId, plan.audience, {
    campaignId,
    from,
    until,
    capWindowDays: cap?.windowDays ?? null,
  });
  const horizon = {
    from,
    until,
    cap: cap && { maxMessages: cap.maxMessages, windowDays: cap.windowDays },
    winners: assumedWinners(plan.steps),
  };
  const journeys = audience.recipients.map((recipient) => walkRecipient(plan.steps, recipient, horizon));
  const ledger = campaign ? await ledgerSummary(client, tenantId, campaignId) : null;
  return {
    audience: audience.size,
    skippedReentry: audience.skippedReentry,
    ...summariseJourneys(plan.steps, journeys),
    projectedSpend: campaign ? projectSpend(budgetOf(campaign), ledger, from, body.horizonDays) : null,
  };
}

/** The body's plan, else the saved one; and the campaign as the read model has it (its budget). */
async function planToReplay(client: pg.ClientBase, tenantId: string, campaignId: string, body: SimulateBody) {
  const campaign = await findCampaign(client, tenantId, campaignId);
  const saved = await findPlan(client, tenantId, campaignId);
  if (!campaign && !saved) throw new NotFoundError(`Campaign ${campaignId} was not found`, { campaignId });
  const plan = body.plan ?? saved;
  if (!plan) throw new NotFoundError(`Campaign ${campaignId} has no plan`, { campaignId, resource: 'plan' });
  return { campaign, plan };
}
