import type { Redis } from 'ioredis';
import type { ClaimedEntry } from './claim-stale.ts';
import { moveToDeadLetter } from './dead-letter.ts';
import { DependencyDown } from './dependency-down.ts';
import { excusedDeliveriesKey } from './stream-names.ts';
import { ENVELOPE_FIELD, fieldValue, type StreamEntry } from './stream-entry.ts';

/** Where and how often an event was delivered; handlers may log it or key retries on it. */
export interface Delivery {
  stream: string;
  entryId: string;
  /** 1 on first delivery; grows each time the entry is reclaimed (deliveries ended by a dependency outage excepted). */
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
  | { kind: 'error'; error: unknown }
  /** A dependency is down: the consumer stops reading and claiming, holding `held` entries. */
  | { kind: 'paused'; error: unknown; held: number }
  /** Its health check passed again after `pausedMs`. */
  | { kind: 'resumed'; pausedMs: number };

export interface DeliverContext<E> {
  redis: Redis;
  group: string;
  consumer: string;
  maxDeliveries: number;
  parse: (raw: unknown) => E;
  handler: EventHandler<E>;
  batchHandler?: EventBatchHandler<E>;
  signal: (signal: ConsumerSignal) => void;
  /** True when a handler's error is a dependency outage (transient and the health check fails): not a failed delivery. */
  isOutage: (error: unknown) => Promise<boolean>;
  /** The dead-letter stream of an entry read from `stream` (companions share their stream's). */
  deadLetterStream: (stream: string) => string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Parses, handles and acknowledges one reclaimed entry, or dead-letters it (see
 * ConsumerOptions); throws DependencyDown when its handler met a dependency outage.
 */
export async function deliver<E>(context: DeliverContext<E>, entry: ClaimedEntry): Promise<void> {
  const item = await admit(context, entry, entry.deliveryCount, entry.excused);
  if (item) await handleOne(context, entry, item, undefined, entry.excused);
}

/** Delivers reclaimed entries in order; on an outage the DependencyDown holds the rest too. */
export async function deliverEach<E>(context: DeliverContext<E>, entries: readonly ClaimedEntry[]): Promise<void> {
  for (const [i, entry] of entries.entries()) {
    try {
      await deliver(context, entry);
    } catch (error) {
      throw error instanceof DependencyDown ? error.holding(entries.slice(i + 1)) : error;
    }
  }
}

/**
 * New entries of one read: those that parse go to the batch handler together and are
 * acknowledged in one XACK per stream; if it throws, each goes through `deliver` alone.
 * Resolves when every handler is done; `acked` settles when Redis has answered the
 * acknowledgements, so the caller may read the next entries meanwhile (an entry whose XACK is
 * lost is redelivered later, which an inbox absorbs).
 */
export async function deliverBatch<E>(
  context: DeliverContext<E>,
  entries: readonly StreamEntry[],
): Promise<{ acked: Promise<unknown> }> {
  const batchHandler = context.batchHandler;
  if (!batchHandler || entries.length < 2) {
    // Handlers run one after the other; each acknowledgement is sent as soon as its handler is
    // done, without waiting for Redis's answer before the next handler.
    const acks: Promise<void>[] = [];
    for (const [i, entry] of entries.entries()) {
      const item = await admit(context, entry, 1);
      try {
        if (item) await handleOne(context, entry, item, acks);
      } catch (error) {
        await Promise.allSettled(acks);
        throw error instanceof DependencyDown ? error.holding(entries.slice(i + 1)) : error;
      }
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
    if (await context.isOutage(error))
      throw new DependencyDown(
        error,
        admitted.map(({ entry }) => entry),
      );
    context.signal({ kind: 'batch_failed', size: admitted.length, error });
    for (const [i, { entry, item }] of admitted.entries()) {
      try {
        await handleOne(context, entry, item);
      } catch (failure) {
        throw failure instanceof DependencyDown
          ? failure.holding(admitted.slice(i + 1).map((later) => later.entry))
          : failure;
      }
    }
    return { acked: Promise.resolve() };
  }
  const pipeline = context.redis.pipeline();
  for (const [stream, ids] of groupIds(admitted.map(({ entry }) => entry)))
    pipeline.xack(stream, context.group, ...ids);
  const acked = pipeline.exec().then(() => {
    for (const { item } of admitted) context.signal({ kind: 'handled', delivery: item.delivery });
  });
  return { acked };
}

/** The parsed entry, or undefined after dead-lettering one that cannot be parsed or was delivered too often. */
async function admit<E>(
  context: DeliverContext<E>,
  entry: StreamEntry,
  deliveryCount: number,
  excused = 0,
): Promise<BatchItem<E> | undefined> {
  const { group, consumer, maxDeliveries } = context;
  const delivery: Delivery = { stream: entry.stream, entryId: entry.id, deliveryCount, group, consumer };
  let event: E;
  try {
    event = context.parse(JSON.parse(fieldValue(entry.fields, ENVELOPE_FIELD) ?? 'null'));
  } catch (error) {
    // Retrying cannot fix a malformed entry.
    await deadLetter(context, entry, delivery, `unparseable: ${messageOf(error)}`, excused);
    return undefined;
  }
  if (deliveryCount > maxDeliveries) {
    // Reclaimed after its consumers kept dying mid-handler: there is no handler error to keep.
    await deadLetter(context, entry, delivery, `not acknowledged after ${deliveryCount - 1} deliveries`, excused);
    return undefined;
  }
  return { event, delivery };
}

/**
 * Handles one entry; its XACK is awaited here, or pushed to `acks` for the caller to await.
 * An entry with excused deliveries has its excuses deleted with the XACK or the dead-letter move.
 */
async function handleOne<E>(
  context: DeliverContext<E>,
  entry: StreamEntry,
  { event, delivery }: BatchItem<E>,
  acks?: Promise<void>[],
  excused = 0,
): Promise<void> {
  try {
    await context.handler(event, delivery);
  } catch (error) {
    if (await context.isOutage(error)) throw new DependencyDown(error, [entry]);
    context.signal({ kind: 'failed', delivery, error });
    if (delivery.deliveryCount >= context.maxDeliveries)
      await deadLetter(context, entry, delivery, messageOf(error), excused);
    return;
  }
  const acknowledge =
    excused > 0
      ? context.redis
          .multi()
          .xack(entry.stream, context.group, entry.id)
          .hdel(excusedDeliveriesKey(entry.stream, context.group), entry.id)
          .exec()
      : context.redis.xack(entry.stream, context.group, entry.id);
  const ack = acknowledge.then(() => context.signal({ kind: 'handled', delivery }));
  if (acks) acks.push(ack);
  else await ack;
}

async function deadLetter<E>(
  context: DeliverContext<E>,
  entry: StreamEntry,
  delivery: Delivery,
  reason: string,
  excused = 0,
): Promise<void> {
  const moved = await moveToDeadLetter(context.redis, {
    ...delivery,
    deadLetterStream: context.deadLetterStream(entry.stream),
    fields: entry.fields,
    error: reason,
    deliveries: delivery.deliveryCount,
  });
  if (excused > 0) await context.redis.hdel(excusedDeliveriesKey(entry.stream, context.group), entry.id);
  if (moved) context.signal({ kind: 'dead_lettered', delivery, reason });
}

function groupIds(entries: readonly StreamEntry[]): Map<string, string[]> {
  const byStream = new Map<string, string[]>();
  for (const { stream, id } of entries) byStream.set(stream, [...(byStream.get(stream) ?? []), id]);
  return byStream;
}
