import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { TenantIsolationError, ValidationError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type pg from 'pg';
import { z } from 'zod';
import { matches } from './subscription-match.ts';
import { withTransaction } from '@bizosaas/db';

const replayBody = z.strictObject({
  subscriptionId: z.uuid(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  /** A request's whole causal chain. */
  correlationId: z.string().min(1).max(128).optional(),
  /** At most this many events (oldest first). */
  limit: z.int().min(1).max(10_000).default(1_000),
});

/**
 * `POST /api/v1/events/replay`: the tenant's archived events of a time range or a correlation
 * chain, matching the subscription, are delivered to it again, each marked
 * `metadata.replay = true` so the receiver can tell. A delivery the subscription already has
 * for an event starts over (pending, attempts 0, due now).
 */
export function registerReplayRoute(app: ServiceApp, pool: pg.Pool, wake: () => void): void {
  app.post(
    '/api/v1/events/replay',
    {
      onRequest: requirePermission('events:subscribe'),
      schema: {
        tags: ['replay'],
        summary: 'Replay archived events to a subscription',
        body: replayBody,
        response: { 200: z.object({ replayed: z.int() }), 404: errorResponseSchema },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { subscriptionId, from, to, correlationId, limit } = request.body;
      if (!from && !to && !correlationId) {
        throw new ValidationError('Say what to replay', [
          { path: 'from', message: 'give a time range (from/to) or a correlationId' },
        ]);
      }
      const replayed = await withTransaction(
        pool,
        async (client) => {
          const found = await client.query<{ event_type: string; filter: Record<string, unknown> }>(
            `SELECT event_type, filter FROM event_bus.subscriptions WHERE id = $1`,
            [subscriptionId],
          );
          const subscription = found.rows[0];
          if (!subscription) throw new TenantIsolationError(tenantId);
          const { rows } = await client.query<{ envelope: EventEnvelope }>(
            `SELECT envelope FROM event_bus.archived_events
         WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2) AND ($3::timestamptz IS NULL OR occurred_at < $3)
           AND ($4::text IS NULL OR correlation_id = $4)
         ORDER BY occurred_at, id LIMIT $5`,
            [tenantId, from ?? null, to ?? null, correlationId ?? null, limit],
          );
          const rule = { eventType: subscription.event_type, filter: subscription.filter };
          const events = rows
            .map((row) => row.envelope)
            .filter((event) => matches(rule, event))
            .map((event) => ({ ...event, metadata: { ...event.metadata, replay: true } }));
          if (events.length === 0) return 0;
          const { rowCount } = await client.query(
            `INSERT INTO event_bus.deliveries (id, tenant_id, subscription_id, event_id, event_type, envelope, replay, next_attempt_at)
         SELECT gen_random_uuid(), $1, $2, (e->>'id')::uuid, e->>'type', e, true, now()
         FROM jsonb_array_elements($3::jsonb) AS e
         ON CONFLICT (subscription_id, event_id) DO UPDATE
           SET status = 'pending', attempts = 0, next_attempt_at = now(), replay = true, envelope = excluded.envelope, last_error = NULL`,
            [tenantId, subscriptionId, JSON.stringify(events)],
          );
          return rowCount ?? 0;
        },
        { tenantId },
      );
      if (replayed > 0) wake();
      return { replayed };
    },
  );
}
