import type { Redis } from 'ioredis';
import { moveToDeadLetter } from './dead-letter.ts';
import { ENVELOPE_FIELD, fieldValue, type StreamEntry } from './stream-entry.ts';

/** Where and how often an event was delivered; handlers may log it or key retries on it. */
export interface Delivery {
  stream: string;
  entryId: string;
  /** 1 on first delivery; grows each time the entry is reclaimed. */
  deliveryCount: number;
  group: string;
  consumer: string;
}

/**
 * Handles one event. Resolving acknowledges it; throwing leaves it pending for a retry after
 * `claimIdleMs`. Delivery is at-least-once: a handler with effects commits them together
 * with the event id in its inbox (one DB transaction) and skips ids it has already seen.
 */
export type EventHandler<E> = (event: E, delivery: Delivery) => Promise<void>;

/** What the consumer did, for metrics and logs. */
export type ConsumerSignal =
  | { kind: 'handled'; delivery: Delivery }
  | { kind: 'failed'; delivery: Delivery; error: unknown }
  | { kind: 'dead_lettered'; delivery: Delivery; reason: string }
  | { kind: 'error'; error: unknown };

export interface DeliverContext<E> {
  redis: Redis;
  group: string;
  consumer: string;
  maxDeliveries: number;
  parse: (raw: unknown) => E;
  handler: EventHandler<E>;
  signal: (signal: ConsumerSignal) => void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Parses, handles and acknowledges one entry, or dead-letters it (see ConsumerOptions). */
export async function deliver<E>(context: DeliverContext<E>, entry: StreamEntry, deliveryCount: number): Promise<void> {
  const { redis, group, consumer, maxDeliveries } = context;
  const delivery: Delivery = { stream: entry.stream, entryId: entry.id, deliveryCount, group, consumer };
  const deadLetter = async (reason: string) => {
    const moved = await moveToDeadLetter(redis, {
      ...delivery,
      fields: entry.fields,
      error: reason,
      deliveries: deliveryCount,
    });
    if (moved) context.signal({ kind: 'dead_lettered', delivery, reason });
  };

  let event: E;
  try {
    event = context.parse(JSON.parse(fieldValue(entry.fields, ENVELOPE_FIELD) ?? 'null'));
  } catch (error) {
    // Retrying cannot fix a malformed entry.
    return deadLetter(`unparseable: ${messageOf(error)}`);
  }
  if (deliveryCount > maxDeliveries) {
    // Reclaimed after its consumers kept dying mid-handler: there is no handler error to keep.
    return deadLetter(`not acknowledged after ${deliveryCount - 1} deliveries`);
  }
  try {
    await context.handler(event, delivery);
  } catch (error) {
    context.signal({ kind: 'failed', delivery, error });
    if (deliveryCount >= maxDeliveries) await deadLetter(messageOf(error));
    return;
  }
  await redis.xack(entry.stream, group, entry.id);
  context.signal({ kind: 'handled', delivery });
}
