import { randomUUID } from 'node:crypto';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { NotificationContext } from '../context.ts';
import { DISPATCHER } from '../dispatch/prepare-send.ts';
import { recordMessageEvents, type MessageEvent } from '../messages/message-events.ts';
import { nextStatus, type MessageStatus } from '../messages/message-status.ts';

/** The message a callback is about, as its read model has it (row locked). */
export interface CallbackMessage {
  id: string;
  channel: string;
  status: MessageStatus;
  address: string | null;
  attempts: number;
}

/** What one callback (provider webhook or tracking link) says about one message. */
export interface CallbackReport {
  /** `mailgun`, `twilio`, `tracking`. */
  provider: string;
  /** delivered | opened | clicked | bounced | complained | failed, or the provider's own word. */
  kind: string;
  /** As received (provider callbacks) or what the link request told (tracking). */
  payload: Record<string, unknown>;
  /** The events it brings, given the message; those its lifecycle refuses are left out. */
  events: (message: CallbackMessage) => MessageEvent[];
  /** The address no longer reachable: suppressed for the tenant on the message's channel. */
  suppress?: { address: string; reason: 'bounced' | 'complained' };
}

export type CallbackOutcome =
  { known: false } | { known: true; status: MessageStatus; recorded: MessageEvent['type'][] };

// Provider reports and tracking hits of a message not handed to a provider yet are kept as
// callback rows only: applying `failed` to a scheduled message would race the dispatcher's own
// record of the send.
const HANDED_OVER = new Set<MessageStatus>(['sent', 'delivered', 'opened', 'clicked', 'bounced', 'failed']);

function allowed(status: MessageStatus, event: MessageEvent): MessageStatus | null {
  try {
    return nextStatus(status, event.type);
  } catch (error) {
    if (error instanceof BusinessRuleViolation) return null;
    throw error;
  }
}

/** The events of `events` the message's lifecycle takes from `status` on, in order. */
function admissible(status: MessageStatus, events: readonly MessageEvent[]): MessageEvent[] {
  if (!HANDED_OVER.has(status)) return [];
  const kept: MessageEvent[] = [];
  let current = status;
  for (const event of events) {
    const next = allowed(current, event);
    if (next === null) continue;
    current = next;
    kept.push(event);
  }
  return kept;
}

/**
 * Records a callback in the message's tenant (one transaction through the event store, so the
 * outbox relay wakes): the message's row is locked, the events its lifecycle allows are appended
 * (a repeated open, a receipt after a bounce add nothing), the address is suppressed when the
 * report says so (an earlier unsubscribe gives way to a bounce or complaint, which also stop
 * critical messages; a first bounce or complaint keeps its reason), and the callback row is
 * stored. A message the tenant does not have stores nothing: `{known: false}`.
 */
export async function recordCallback(
  ctx: NotificationContext,
  target: { tenantId: string; messageId: string },
  report: CallbackReport,
): Promise<CallbackOutcome> {
  return ctx.store.transaction(ctx.pool, target.tenantId, async (client): Promise<CallbackOutcome> => {
    const { rows } = await client.query<CallbackMessage>(
      'SELECT id, channel, status, address, attempts FROM notification.messages WHERE id = $1 FOR UPDATE',
      [target.messageId],
    );
    const message = rows[0];
    if (!message) return { known: false };
    const events = admissible(message.status, report.events(message));
    const causation = { actor: DISPATCHER, correlationId: message.id, causationId: null };
    const { status } = events.length
      ? await recordMessageEvents(client, ctx, target, events, causation)
      : { status: message.status };
    const at = ctx.now();
    if (report.suppress)
      await client.query(
        `INSERT INTO notification.suppressions AS s (tenant_id, channel, address, reason, message_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, channel, address) DO UPDATE
           SET reason = EXCLUDED.reason, message_id = EXCLUDED.message_id, created_at = EXCLUDED.created_at
           WHERE s.reason = 'unsubscribed'`,
        [
          target.tenantId,
          message.channel,
          report.suppress.address.toLowerCase(),
          report.suppress.reason,
          message.id,
          at,
        ],
      );
    await client.query(
      `INSERT INTO notification.message_callbacks (id, tenant_id, message_id, provider, kind, payload, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [randomUUID(), target.tenantId, message.id, report.provider, report.kind, report.payload, at],
    );
    return { known: true, status, recorded: events.map((event) => event.type) };
  });
}
