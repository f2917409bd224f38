import type { Redis } from 'ioredis';
import { toEntries, type StreamEntry } from './stream-entry.ts';
import { excusedDeliveriesKey } from './stream-names.ts';

export interface ClaimedEntry extends StreamEntry {
  /** Deliveries that count, this one included: Redis's delivery count minus the excused ones. */
  deliveryCount: number;
  /** Deliveries that ended in a dependency outage (not counted). */
  excused: number;
}

export interface ClaimInput {
  stream: string;
  group: string;
  consumer: string;
  minIdleMs: number;
  count: number;
  /** XAUTOCLAIM cursor; '0-0' starts over. */
  cursor: string;
}

/**
 * Takes over entries pending longer than `minIdleMs` (their consumer died or failed) with
 * XAUTOCLAIM, which also bumps their delivery count, and reads those counts with XPENDING.
 * Resolves to the claimed entries and the cursor to continue from ('0-0' = scan complete).
 */
export async function claimStale(
  redis: Redis,
  input: ClaimInput,
): Promise<{ cursor: string; entries: ClaimedEntry[] }> {
  const { stream, group, consumer } = input;
  const [cursor, raw] = (await redis.xautoclaim(
    stream,
    group,
    consumer,
    input.minIdleMs,
    input.cursor,
    'COUNT',
    input.count,
  )) as [string, [string, string[] | null][]];
  return { cursor, entries: await countDeliveries(redis, { stream, group, consumer }, toEntries(stream, raw)) };
}

/**
 * The entries still pending for `consumer`, with their delivery counts (XPENDING) net of the
 * excused ones, in one round trip; an entry acknowledged or claimed by another consumer in
 * between is left out.
 */
export async function countDeliveries(
  redis: Redis,
  { stream, group, consumer }: { stream: string; group: string; consumer: string },
  entries: readonly StreamEntry[],
): Promise<ClaimedEntry[]> {
  if (entries.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const entry of entries) pipeline.xpending(stream, group, entry.id, entry.id, 1);
  pipeline.hmget(excusedDeliveriesKey(stream, group), ...entries.map((entry) => entry.id));
  const replies = (await pipeline.exec()) ?? [];
  const excused = (replies[entries.length]?.[1] as (string | null)[] | undefined) ?? [];
  return entries.flatMap((entry, i) => {
    const row = (replies[i]?.[1] as [string, string, number, number][] | undefined)?.[0];
    if (!row || row[1] !== consumer) return [];
    const excuses = Number(excused[i] ?? 0);
    return [{ ...entry, deliveryCount: Math.max(1, Number(row[3]) - excuses), excused: excuses }];
  });
}
