import type { Redis } from 'ioredis';
import { consumedStreams } from './stream-names.ts';

export interface GroupStats {
  group: string;
  stream: string;
  /** Entries of the stream (and its companions) the group has not read yet; null when Redis cannot tell (after XDEL or a trim past unread entries). */
  lag: number | null;
  /** Entries read and not yet acknowledged. */
  pending: number;
}

/**
 * XINFO GROUPS `lag` and `pending` of each (group, stream), summed over the stream's
 * companions, in one pipeline (one round trip). A missing stream or group counts as 0.
 */
export async function groupStats(
  redis: Redis,
  subjects: readonly { group: string; stream: string }[],
): Promise<GroupStats[]> {
  const keys = [...new Set(subjects.flatMap(({ stream, group }) => consumedStreams(stream, group)))];
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.xinfo('GROUPS', key);
  const replies = (await pipeline.exec()) ?? [];
  // A missing key answers an error ("no such key"): nothing to read there.
  const groupsOf = new Map(keys.map((key, i) => [key, replies[i]?.[0] ? [] : toGroups(replies[i]?.[1])]));
  return subjects.map(({ group, stream }) => {
    const rows = consumedStreams(stream, group).map((key) => groupsOf.get(key)?.find((row) => row.name === group));
    const lags = rows.map((row) => (row ? row.lag : 0));
    return {
      group,
      stream,
      lag: lags.some((lag) => lag === null) ? null : lags.reduce<number>((sum, lag) => sum + (lag ?? 0), 0),
      pending: rows.reduce((sum, row) => sum + (row?.pending ?? 0), 0),
    };
  });
}

/** XINFO GROUPS rows (flat name/value lists) as objects. */
function toGroups(reply: unknown): { name: string; pending: number; lag: number | null }[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((row: unknown[]) => {
    const fields = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < row.length; i += 2) fields.set(row[i], row[i + 1]);
    const field = (name: string) => fields.get(name);
    const lag = field('lag');
    return {
      name: String(field('name')),
      pending: Number(field('pending') ?? 0),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}
