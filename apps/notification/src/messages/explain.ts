import type pg from 'pg';
import { z } from 'zod';
import type { DomainEvent } from '@bizosaas/event-schemas';
import type { NotificationContext } from '../context.ts';
import { MESSAGE_AGGREGATE } from './message-events.ts';
import { attemptView, callbackView, getMessage, messageStatus } from './messages.query.ts';

export const timelineEntry = z.object({
  version: z.int(),
  type: z.string(),
  occurredAt: z.string(),
  actor: z.object({ type: z.string(), id: z.string() }),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const explanation = z.object({
  messageId: z.uuid(),
  status: messageStatus,
  /** One sentence: why the message is where it is. */
  summary: z.string(),
  cause: z.object({
    transactionId: z.string(),
    source: z.enum(['api', 'bulk', 'event']),
    eventId: z.uuid().nullable(),
    eventType: z.string().nullable(),
    ruleId: z.uuid().nullable(),
    actor: z.object({ type: z.string(), id: z.string() }),
    correlationId: z.string(),
    causationId: z.string().nullable(),
  }),
  template: z.object({ key: z.string(), version: z.int(), critical: z.boolean() }),
  /** The preference decision at request time, and each level's value then (null: no explicit choice). */
  preference: z.record(z.string(), z.unknown()),
  digest: z
    .object({
      key: z.string(),
      digestMessageId: z.uuid(),
      digestStatus: messageStatus,
      items: z.int(),
    })
    .nullable(),
  attempts: z.array(attemptView),
  callbacks: z.array(callbackView),
  timeline: z.array(timelineEntry),
});

type Event = DomainEvent;

/** A message's events as the API shows them, in stream order. */
export function timelineOf(events: readonly Event[]): z.output<typeof timelineEntry>[] {
  return events.map((event) => ({
    version: event.aggregateVersion,
    type: event.type,
    occurredAt: event.occurredAt,
    actor: event.actor,
    correlationId: event.correlationId,
    causationId: event.causationId,
    data: event.data,
  }));
}

function summaryOf(status: string, events: readonly Event[], statusReason: string | null): string {
  const last = events.at(-1);
  if (!last) return status;
  switch (last.type) {
    case 'notification.suppressed':
      return `Not sent (${last.data.reason}): ${last.data.detail}`;
    case 'notification.scheduled':
      return last.data.reason === 'digest'
        ? `Waiting for its digest, due ${last.data.scheduledFor}`
        : `Scheduled for ${last.data.scheduledFor} (${last.data.reason.replace('_', ' ')})`;
    case 'notification.sent':
      return `Accepted by ${last.data.provider} on attempt ${last.data.attempt}`;
    case 'notification.failed':
      return `Failed after ${last.data.attempts} attempt(s)${last.data.permanent ? ' (refused for good)' : ''}: ${last.data.lastError}`;
    case 'notification.bounced':
      return `Bounced (${last.data.bounceType}) at ${last.data.provider}: ${last.data.diagnostic}`;
    default:
      return `${status[0]!.toUpperCase()}${status.slice(1)}${statusReason ? ` (${statusReason})` : ''}`;
  }
}

/**
 * The causal chain of one message, from its own record: the request (trigger source, event and
 * rule, correlation and causation ids), the preference values in force then and where the decision
 * came from, its digest, every provider attempt and callback, and its event stream in order.
 */
export async function explainMessage(
  ctx: NotificationContext,
  client: pg.PoolClient,
  id: string,
): Promise<z.output<typeof explanation>> {
  const message = await getMessage(client, id);
  const events = await ctx.store.readStream(client, { aggregateType: MESSAGE_AGGREGATE, aggregateId: id });
  const requested = events.find((event) => event.type === 'notification.requested');
  if (!requested || requested.type !== 'notification.requested') throw new Error(`message ${id} has no request`);
  const digestId = message.digestMessageId;
  const digest = digestId
    ? await client.query<{ status: z.output<typeof messageStatus>; items: number }>(
        `SELECT m.status, (SELECT count(*)::int FROM notification.messages i WHERE i.digest_message_id = m.id) AS items
         FROM notification.messages m WHERE m.id = $1`,
        [digestId],
      )
    : null;
  const digestRow = digest?.rows[0];
  return {
    messageId: id,
    status: message.status,
    summary: summaryOf(message.status, events, message.statusReason),
    cause: {
      transactionId: requested.data.transactionId,
      source: requested.data.trigger.source,
      eventId: requested.data.trigger.eventId ?? null,
      eventType: requested.data.trigger.eventType ?? null,
      ruleId: requested.data.trigger.ruleId ?? null,
      actor: requested.actor,
      correlationId: requested.correlationId,
      causationId: requested.causationId,
    },
    template: {
      key: requested.data.templateKey,
      version: requested.data.templateVersion,
      critical: requested.data.critical,
    },
    preference: requested.data.preference,
    digest:
      digestId && digestRow && message.digestKey
        ? { key: message.digestKey, digestMessageId: digestId, digestStatus: digestRow.status, items: digestRow.items }
        : null,
    attempts: message.attemptLog,
    callbacks: message.callbacks,
    timeline: events.map((event) => ({
      version: event.aggregateVersion,
      type: event.type,
      occurredAt: event.occurredAt,
      actor: event.actor,
      correlationId: event.correlationId,
      causationId: event.causationId,
      data: event.data,
    })),
  };
}
