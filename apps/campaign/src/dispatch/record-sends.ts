import type pg from 'pg';
import { createEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import type { AppendInput } from '@bizosaas/event-store';
import type { CampaignContext } from '../context.ts';
import { CAMPAIGN_ACTOR, type Cause } from '../executions/execution-store.ts';
import type { PlanStep } from '../plans/plan-schema.ts';
import { advance } from './advance.ts';
import { applyMoves } from './apply-moves.ts';
import { factsOf, moveTo, type Move, type SendIntent } from './plan-round.ts';
import { transactionIdOf, type SendResult } from './send-batch.ts';

interface Round {
  tenantId: string;
  campaignId: string;
  steps: readonly PlanStep[];
  reserved: readonly SendIntent[];
  results: ReadonlyMap<string, SendResult>;
  cause: Cause | undefined;
}

/**
 * Records notification's answer to a round in one tenant transaction: each accepted send with its
 * message (campaign.message_sent on the recipient's enrolment stream), each rejected one as a
 * skipped step, and every recipient moved past its send step.
 */
export async function recordSends(ctx: CampaignContext, client: pg.PoolClient, round: Round): Promise<void> {
  const now = ctx.now();
  const moves: Move[] = [];
  const appends: AppendInput[] = [];
  const versions = new Map<string, number>();
  const updates: {
    stepId: string;
    contactId: string;
    state: string;
    messageId: string | null;
    status: string | null;
  }[] = [];
  for (const intent of round.reserved) {
    const { enrolment, step, index } = intent;
    const result = round.results.get(transactionIdOf(round.campaignId, step.id, enrolment.contactId));
    // No answer for it: the reservation stays and the next round sends it again under the same key.
    if (!result) {
      moves.push({ enrolment, stepIndex: index, dueAt: now, reason: null });
      continue;
    }
    if (result.status === 'rejected') {
      updates.push({
        stepId: step.id,
        contactId: enrolment.contactId,
        state: 'rejected',
        messageId: null,
        status: null,
      });
      const after = advance(round.steps, index + 1, factsOf(enrolment), now);
      moves.push(moveTo(enrolment, after, now, { stepId: step.id, reason: 'rejected', detail: result.error.message }));
      continue;
    }
    const message = result.messages[0];
    updates.push({
      stepId: step.id,
      contactId: enrolment.contactId,
      state: 'accepted',
      messageId: message?.id ?? null,
      status: message?.status ?? null,
    });
    const version = enrolment.streamVersion + 1;
    versions.set(enrolment.contactId, version);
    appends.push(messageSent(ctx, round, intent, version));
    const after = advance(
      round.steps,
      index + 1,
      { ...factsOf(enrolment), lastSend: { at: now, openedAt: null, clickedAt: null } },
      now,
    );
    const skip =
      message?.status === 'suppressed'
        ? { stepId: step.id, reason: 'suppressed' as const, detail: message.reason ?? undefined }
        : undefined;
    moves.push(moveTo(enrolment, after, now, skip));
  }
  await updateSends(client, round, updates, now);
  if (appends.length > 0) await ctx.store.appendMany(client, appends);
  await applyMoves(client, round.tenantId, round.campaignId, moves, versions, now);
}

function messageSent(ctx: CampaignContext, round: Round, intent: SendIntent, version: number): AppendInput {
  const { enrolment, step, choice } = intent;
  const event = createEvent(
    {
      type: 'campaign.message_sent',
      tenantId: round.tenantId,
      aggregateId: enrolment.enrolmentId,
      aggregateVersion: version,
      actor: CAMPAIGN_ACTOR,
      ...(round.cause && { causedBy: round.cause }),
      data: {
        campaignId: round.campaignId,
        stepId: step.id,
        recipient: { type: enrolment.contactKind, id: enrolment.contactId },
        channel: step.channel,
        templateKey: choice.templateKey,
        transactionId: transactionIdOf(round.campaignId, step.id, enrolment.contactId),
        variant: choice.variant,
      },
    },
    { now: ctx.now },
  ) as EventEnvelope;
  return {
    tenantId: round.tenantId,
    aggregateType: 'campaign_enrolment',
    aggregateId: enrolment.enrolmentId,
    expectedVersion: version - 1,
    events: [event],
  };
}

async function updateSends(
  client: pg.ClientBase,
  round: Round,
  updates: readonly {
    stepId: string;
    contactId: string;
    state: string;
    messageId: string | null;
    status: string | null;
  }[],
  now: Date,
): Promise<void> {
  if (updates.length === 0) return;
  // The ANY keeps the join to this round's sends when the planner thinks the campaign has few (apply-moves.ts).
  await client.query(
    `UPDATE sends s SET state = u.state, message_id = u.message_id, message_status = u.message_status, accepted_at = $3
     FROM unnest($4::text[], $5::uuid[], $6::text[], $7::uuid[], $8::text[]) AS u(step_id, contact_id, state, message_id, message_status)
     WHERE s.tenant_id = $1 AND s.campaign_id = $2 AND s.step_id = u.step_id AND s.contact_id = u.contact_id AND s.state = 'reserved'
       AND s.contact_id = ANY($5::uuid[])`,
    [
      round.tenantId,
      round.campaignId,
      now,
      updates.map((u) => u.stepId),
      updates.map((u) => u.contactId),
      updates.map((u) => u.state),
      updates.map((u) => u.messageId),
      updates.map((u) => u.status),
    ],
  );
}
