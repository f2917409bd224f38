import type { Redis } from 'ioredis';
import { toEntries, type StreamEntry } from './stream-entry.ts';

export interface ClaimedEntry extends StreamEntry {
  /** Deliveries so far, this one included. */
  deliveryCount: number;
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
export async function claimStale(redis: Redis, input: ClaimInput): Promise<{ cursor: string; entries: ClaimedEntry[] }> {
  const { stream, group, consumer } = input;
  const [cursor, raw] = (await redis.xautoclaim(
    stream, group, consumer, input.minIdleMs, input.cursor, 'COUNT', input.count,
  )) as [string, [string, string[] | null][]];
  const entries = toEntries(stream, raw);
  if (entries.length === 0) return { cursor, entries: [] };
  const pipeline = redis.pipeline();
  for (const entry of entries) pipeline.xpending(stream, group, entry.id, entry.id, 1);
  const replies = (await pipeline.exec()) ?? [];
  const claimed = entries.flatMap((entry, i) => {
    const row = (replies[i]?.[1] as [string, string, number, number][] | undefined)?.[0];
    // No row, or another owner: acknowledged or re-claimed by someone else in between.
    return row && row[1] === consumer ? [{ ...entry, deliveryCount: Number(row[3]) }] : [];
  });
  return { cursor, entries: claimed };
}
