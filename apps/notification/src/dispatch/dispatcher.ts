import type pg from 'pg';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createWakeableLoop, type WakeableLoop } from '@bizosaas/service-kit';
import type { Channel, NotificationChannel, OutgoingMessage, SendResult } from '../channels/channel.ts';
import { publishInboxEvent } from '../channels/in-app-channel.ts';
import type { NotificationContext } from '../context.ts';
import { claimDue, type ClaimedDelivery } from './claim-due.ts';
import { DISPATCHER, outgoingOf, prepareSend, type QueuedMessage } from './prepare-send.ts';
import { createKeyedBatcher } from '../batching/keyed-batcher.ts';
import { recordOutcome, recordSents, type AcceptedSend, type Outcome } from './record-outcome.ts';

export interface DispatcherOptions {
  channels: Record<NotificationChannel, Channel>;
  /** App-role pool of its own, so sending never waits behind requests for connections nor they behind it. */
  pool: pg.Pool;
  /** Extra headers or links for a message about to go out (List-Unsubscribe, tracking). */
  decorate?: (message: QueuedMessage, outgoing: OutgoingMessage) => Promise<OutgoingMessage>;
  metrics: Registry;
  onError: (error: unknown, messageId?: string) => void;
  /** How long a claimed message stays this replica's before another may take it over. */
  leaseMs?: number;
}

/** start; wake: look for due messages now (a trigger committed some); stop: let the messages in hand finish. */
export type Dispatcher = WakeableLoop;

function dispatchMetrics(registry: Registry) {
  return {
    attempts: new Counter({
      name: 'notification_provider_attempts_total',
      help: 'Send attempts per channel, provider and outcome (accepted, transient, permanent, breaker_open).',
      labelNames: ['channel', 'provider', 'outcome'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'notification_provider_latency_seconds',
      help: 'Time a provider took to answer one attempt.',
      labelNames: ['channel', 'provider'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    released: new Counter({
      name: 'notification_dispatch_released_total',
      help: 'Claimed messages given back to the queue unsent: less than half their lease was left when their turn came (a slow batch).',
      labelNames: ['channel'],
      registers: [registry],
    }),
    outcomes: new Counter({
      name: 'notification_dispatch_outcomes_total',
      help: 'What each claimed message came to per channel: sent, retry, failed, bounced.',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
  };
}

/**
 * Sends due messages: claims a batch across tenants, sends up to DISPATCH_CONCURRENCY at once
 * (each read and recorded in its own tenant's transactions; no transaction stays open while a
 * provider answers), and claims again at once while batches come back full; otherwise it waits
 * DISPATCH_POLL_INTERVAL_MS or until woken. At least once: a replica dying between a provider's
 * acceptance and the record sends that message again after the lease (the email's Message-ID is
 * the message id, so the receiver can tell).
 */
export function createDispatcher(ctx: NotificationContext, options: DispatcherOptions): Dispatcher {
  const metrics = dispatchMetrics(options.metrics);
  const leaseMs = options.leaseMs ?? 120_000;
  const { DISPATCH_BATCH_SIZE: batchSize, DISPATCH_CONCURRENCY: concurrency } = ctx.config;
  // Accepted sends of one tenant finishing together are recorded in one transaction.
  const sentRecorder = createKeyedBatcher<AcceptedSend, Outcome>({
    maxBatch: batchSize,
    concurrency: 2,
    run: (tenantId, sends) => recordSents(ctx, options.pool, tenantId, sends),
  });

  /**
   * Sends one claimed message, unless less than half its lease is left (a slow batch): a send
   * started then could outlast the lease, and another replica could send the message again, or a
   * cancel stop what is already going out. Such a message goes back to the queue (the claim is
   * released if it is still this one's); true then.
   */
  async function dispatchOne(claimed: ClaimedDelivery): Promise<boolean> {
    if (claimed.claimedUntil.getTime() - ctx.now().getTime() < leaseMs / 2) {
      const { rowCount } = await ctx.worker.query(
        'UPDATE notification.delivery_queue SET claimed_until = NULL WHERE message_id = $1 AND claimed_until = $2',
        [claimed.messageId, claimed.claimedUntil],
      );
      if (rowCount) metrics.released.inc({ channel: claimed.message.channel });
      return true;
    }
    await send(claimed);
    return false;
  }

  async function send(claimed: ClaimedDelivery): Promise<void> {
    const { tenantId, messageId } = claimed;
    const causation = { actor: DISPATCHER, correlationId: messageId, causationId: null };
    if (claimed.message.status !== 'scheduled') {
      // Cancelled or suppressed since it was queued: nothing to send.
      await ctx.worker.query('DELETE FROM notification.delivery_queue WHERE message_id = $1', [messageId]);
      return;
    }
    // The claim read the message; only a digest (closed and rendered under its lock) or an address
    // that bounced meanwhile (suppressed) needs the tenant's transaction before sending.
    const message =
      claimed.message.isDigest || claimed.suppressedAs
        ? await ctx.store.transaction(options.pool, tenantId, async (client) => {
            const prepared = await prepareSend(ctx, client, messageId, causation);
            if (!prepared)
              await client.query('DELETE FROM notification.delivery_queue WHERE message_id = $1', [messageId]);
            return prepared;
          })
        : claimed.message;
    if (!message) return;
    const outgoing = options.decorate ? await options.decorate(message, outgoingOf(message)) : outgoingOf(message);
    const result: SendResult = await options.channels[message.channel].send(outgoing);
    for (const tried of result.attempts) {
      metrics.attempts.inc({ channel: message.channel, provider: tried.provider, outcome: tried.outcome });
      metrics.latency.observe({ channel: message.channel, provider: tried.provider }, tried.latencyMs / 1000);
    }
    const version = message === claimed.message ? claimed.message.version : null;
    const outcome =
      result.status === 'sent' && version !== null
        ? await sentRecorder.submit(tenantId, {
            message: { ...message, version },
            previousAttempts: claimed.attempts,
            result,
            causation,
          })
        : await ctx.store.transaction(options.pool, tenantId, (client) =>
            recordOutcome(ctx, client, message, claimed.attempts, result, causation),
          );
    metrics.outcomes.inc({ channel: message.channel, outcome });
    if (outcome === 'sent' && outgoing.destination.channel === 'in_app')
      await tellInbox(tenantId, outgoing.destination.userId, outgoing);
  }

  // After the record committed (its batch's commit, for recordSents), so a client listing the
  // inbox on the event finds the message. Not retried: the inbox lists it on the next read, and a
  // stream reconnecting with Last-Event-ID replays it.
  async function tellInbox(tenantId: string, userId: string, outgoing: OutgoingMessage): Promise<void> {
    const event = {
      id: outgoing.messageId,
      subject: outgoing.subject,
      body: outgoing.body,
      createdAt: ctx.now().toISOString(),
    };
    await publishInboxEvent(ctx.redis, { tenantId, userId }, event).catch((error: unknown) =>
      options.onError(new Error('the inbox stream was not told of a delivered message', { cause: error }), event.id),
    );
  }

  /** Sends the batch DISPATCH_CONCURRENCY at a time; whether any message of it went back to the queue. */
  async function runBatch(batch: ClaimedDelivery[]): Promise<boolean> {
    let next = 0;
    let released = false;
    const lane = async () => {
      while (next < batch.length) {
        const claimed = batch[next++]!;
        released =
          (await dispatchOne(claimed).catch((error: unknown) => {
            options.onError(error, claimed.messageId);
            return false;
          })) || released;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, lane));
    return released;
  }

  // Claims again at once after a full batch, or one that gave messages back to the queue.
  async function pass(): Promise<boolean> {
    const batch = await claimDue(ctx.worker, ctx.now(), batchSize, leaseMs);
    return (await runBatch(batch)) || batch.length === batchSize;
  }

  return createWakeableLoop(pass, {
    idleMs: ctx.config.DISPATCH_POLL_INTERVAL_MS,
    onError: (error) => options.onError(error),
  });
}
