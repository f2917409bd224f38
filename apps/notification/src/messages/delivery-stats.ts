import type pg from 'pg';
import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';

export const deliveryStatsQuery = z.strictObject({
  /** Messages created from (inclusive); default 24 hours before `to`. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Messages created before; default now. */
  to: z.iso.datetime({ offset: true }).optional(),
});

const counts = z.object({
  requested: z.int(),
  suppressed: z.int(),
  sent: z.int(),
  delivered: z.int(),
  opened: z.int(),
  clicked: z.int(),
  bounced: z.int(),
  failed: z.int(),
});

export const deliveryStatsView = z.object({
  from: z.string(),
  to: z.string(),
  channels: z.array(counts.extend({ channel: z.string() })),
  providers: z.array(
    z.object({
      channel: z.string(),
      provider: z.string(),
      attempts: z.int(),
      accepted: z.int(),
      failed: z.int(),
      latencyP50Ms: z.number().nullable(),
      latencyP95Ms: z.number().nullable(),
    }),
  ),
});

/**
 * Per channel: how many messages were requested in the period and how far they got (a message
 * counts once, at its furthest status: a clicked message was also sent, delivered and opened).
 * Per provider: attempts, acceptances, failures and latency percentiles.
 */
export async function deliveryStats(
  client: pg.PoolClient,
  query: z.output<typeof deliveryStatsQuery>,
  now: Date,
): Promise<z.output<typeof deliveryStatsView>> {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 86_400_000);
  if (from >= to)
    throw new ValidationError('from must be before to', [
      { path: 'from', message: 'must be before to', location: 'query' },
    ]);
  const reached = (statuses: string) => `count(*) FILTER (WHERE status IN (${statuses}))::int`;
  const channels = await client.query<z.output<typeof counts> & { channel: string }>(
    `SELECT channel, count(*)::int AS requested, ${reached(`'suppressed'`)} AS suppressed,
       ${reached(`'sent','delivered','opened','clicked','bounced'`)} AS sent,
       ${reached(`'delivered','opened','clicked'`)} AS delivered, ${reached(`'opened','clicked'`)} AS opened,
       ${reached(`'clicked'`)} AS clicked, ${reached(`'bounced'`)} AS bounced, ${reached(`'failed'`)} AS failed
     FROM notification.messages WHERE created_at >= $1 AND created_at < $2 AND NOT EXISTS (
       SELECT 1 FROM notification.digests d WHERE d.id = messages.id)
     GROUP BY channel ORDER BY channel`,
    [from, to],
  );
  const providers = await client.query(
    `SELECT m.channel, a.provider, count(*)::int AS attempts,
       count(*) FILTER (WHERE a.outcome = 'accepted')::int AS accepted,
       count(*) FILTER (WHERE a.outcome IN ('transient', 'permanent'))::int AS failed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.latency_ms) FILTER (WHERE a.outcome <> 'breaker_open') AS "latencyP50Ms",
       percentile_cont(0.95) WITHIN GROUP (ORDER BY a.latency_ms) FILTER (WHERE a.outcome <> 'breaker_open') AS "latencyP95Ms"
     FROM notification.message_attempts a JOIN notification.messages m ON m.id = a.message_id
     WHERE a.started_at >= $1 AND a.started_at < $2
     GROUP BY m.channel, a.provider ORDER BY m.channel, a.provider`,
    [from, to],
  );
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    channels: channels.rows,
    providers: providers.rows as z.output<typeof deliveryStatsView>['providers'],
  };
}
