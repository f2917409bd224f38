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

/** One parsed entry of a batch. */
export interface BatchItem<E> {
  event: E;
  delivery: Delivery;
}

/**
 * Handles the new entries of one read together (e.g. in one database transaction, one commit
 * for many events). Resolving acknowledges them all; throwing hands each entry to the
 * per-event handler instead, so one poison event fails alone.
 */
export type EventBatchHandler<E> = (batch: readonly BatchItem<E>[]) => Promise<void>;

/** What the consumer did, for metrics and logs. */
export type ConsumerSignal =
  | { kind: 'handled'; delivery: Delivery }
  | { kind: 'failed'; delivery: Delivery; error: unknown }
  | { kind: 'dead_lettered'; delivery: Delivery; reason: string }
  /** The batch handler threw; its entries are being handled one by one. */
  | { kind: 'batch_failed'; size: number; error: unknown }
  | { kind: 'error'; error: unknown };

export interface DeliverContext<E> {
  redis: Redis;
  group: string;
  consumer: string;
  maxDeliveries: number;
  parse: (raw: unknown) => E;
  handler: EventHandler<E>;
  batchHandler?: EventBatchHandler<E>;
  signal: (signal: ConsumerSignal) => void;
  /** The dead-letter stream of an entry read from `stream` (companions share their stream's). */
  deadLetterStream: (stream: string) => string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Parses, handles and acknowledges one entry, or dead-letters it (see ConsumerOptions). */
export async function deliver<E>(context: DeliverContext<E>, entry: StreamEntry, deliveryCount: number): Promise<void> {
  const item = await admit(context, entry, deliveryCount);
  if (item) await handleOne(context, entry, item);
}

/**
 * New entries of one read: those that parse go to the batch handler together and are
 * acknowledged in one XACK per stream; if it throws, each goes through `deliver` alone.
 * Resolves when every handler is done; `acked` settles when Redis has answered the
 * acknowledgements, so the caller may read the next entries meanwhile (an entry whose XACK is
 * lost is redelivered later, which an inbox absorbs).
 */
export async function deliverBatch<E>(context: DeliverContext<E>, entries: readonly StreamEntry[]): Promise<{ acked: Promise<unknown> }> {
  const batchHandler = context.batchHandler;
  if (!batchHandler || entries.length < 2) {
    // Handlers run one after the other; each acknowledgement is sent as soon as its handler is
    // done, without waiting for Redis's answer before the next handler.
    const acks: Promise<void>[] = [];
    for (const entry of entries) {
      const item = await admit(context, entry, 1);
      if (item) await handleOne(context, entry, item, acks);
    }
    return { acked: Promise.all(acks) };
  }
  const admitted: { entry: StreamEntry; item: BatchItem<E> }[] = [];
  for (const entry of entries) {
    const item = await admit(context, entry, 1);
    if (item) admitted.push({ entry, item });
  }
  try {
    await batchHandler(admitted.map(({ item }) => item));
  } catch (error) {
    context.signal({ kind: 'batch_failed', size: admitted.length, error });
    for (const { entry, item } of admitted) await handleOne(context, entry, item);
    return { acked: Promise.resolve() };
  }
  const pipeline = context.redis.pipeline();
  for (const [stream, ids] of groupIds(admitted.map(({ entry }) => entry))) pipeline.xack(stream, context.group, ...ids);
  const acked = pipeline.exec().then(() => {
    for (const { item } of admitted) context.signal({ kind: 'handled', delivery: item.delivery });
  });
  return { acked };
}

/** The parsed entry, or undefined after dead-lettering one that cannot be parsed or was delivered too often. */
async function admit<E>(context: DeliverContext<E>, entry: StreamEntry, deliveryCount: number): Promise<BatchItem<E> | undefined> {
  const { group, consumer, maxDeliveries } = context;
  const delivery: Delivery = { stream: entry.stream, entryId: entry.id, deliveryCount, group, consumer };
  let event: E;
  try {
    event = context.parse(JSON.parse(fieldValue(entry.fields, ENVELOPE_FIELD) ?? 'null'));
  } catch (error) {
    // Retrying cannot fix a malformed entry.
    await deadLetter(context, entry, delivery, `unparseable: ${messageOf(error)}`);
    return undefined;
  }
  if (deliveryCount > maxDeliveries) {
    // Reclaimed after its consumers kept dying mid-handler: there is no handler error to keep.
    await deadLetter(context, entry, delivery, `not acknowledged after ${deliveryCount - 1} deliveries`);
    return undefined;
  }
  return { event, delivery };
}

/** Handles one entry; its XACK is awaited here, or pushed to `acks` for the caller to await. */
async function handleOne<E>(context: DeliverContext<E>, entry: StreamEntry, { event, delivery }: BatchItem<E>, acks?: Promise<void>[]): Promise<void> {
  try {
    await context.handler(event, delivery);
  } catch (error) {
    context.signal({ kind: 'failed', delivery, error });
    if (delivery.deliveryCount >= context.maxDeliveries) await deadLetter(context, entry, delivery, messageOf(error));
    return;
  }
  const ack = context.redis.xack(entry.stream, context.group, entry.id).then(() => context.signal({ kind: 'handled', delivery }));
  if (acks) acks.push(ack);
  else await ack;
}

async function deadLetter<E>(context: DeliverContext<E>, entry: StreamEntry, delivery: Delivery, reason: string): Promise<void> {
  const moved = await moveToDeadLetter(context.redis, {
    ...delivery,
    deadLetterStream: context.deadLetterStream(entry.stream),
    fields: entry.fields,
    error: reason,
    deliveries: delivery.deliveryCount,
  });
  if (moved) context.signal({ kind: 'dead_lettered', delivery, reason });
}

function groupIds(entries: readonly StreamEntry[]): Map<string, string[]> {
  const byStream = new Map<string, string[]>();
  for (const { stream, id } of entries) byStream.set(stream, [...(byStream.get(stream) ?? []), id]);
  return byStream;
}
