import { isServicePrincipal, requirePermission, requirePrincipal, type Principal } from '@bizosaas/auth';
import { ForbiddenError, NotFoundError, ValidationError } from '@bizosaas/ddd-kernel';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { z } from 'zod';
import { aggregateTypesReadBy, groupName } from './consumer-groups.ts';
import { withTransaction } from '@bizosaas/db';

export interface GroupReplayDeps {
  pool: pg.Pool;
  redis: Redis;
  namespace: string;
}

const replayBody = z.strictObject({
  /** Default the caller's tenant; only a platform service may name another. */
  tenantId: z.uuid().optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  /** A request's whole causal chain. */
  correlationId: z.string().min(1).max(128).optional(),
  eventTypes: z.array(z.string().min(1)).min(1).max(50).optional(),
  /** At most this many events (oldest first). */
  limit: z.int().min(1).max(10_000).default(1_000),
});
type ReplayQuery = z.infer<typeof replayBody>;

function tenantFor(principal: Principal, asked: string | undefined): string {
  const tenantId = asked?.toLowerCase() ?? principal.tenantId;
  if (tenantId !== principal.tenantId && !isServicePrincipal(principal)) {
    throw new ForbiddenError("Only a platform service may replay another tenant's events", { tenantId: asked });
  }
  return tenantId;
}

// The envelopes exactly as archived (as they were on the streams), not as history shows them.
async function archived(pool: pg.Pool, tenantId: string, query: ReplayQuery): Promise<EventEnvelope[]> {
  const { rows } = await withTransaction(
    pool,
    (client) =>
      client.query<{ envelope: EventEnvelope }>(
        `SELECT envelope FROM event_bus.archived_events
     WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2) AND ($3::timestamptz IS NULL OR occurred_at < $3)
       AND ($4::text IS NULL OR correlation_id = $4) AND ($5::text[] IS NULL OR type = ANY($5))
     ORDER BY occurred_at, id LIMIT $6`,
        [
          tenantId,
          query.from ?? null,
          query.to ?? null,
          query.correlationId ?? null,
          query.eventTypes ?? null,
          query.limit,
        ],
      ),
    { tenantId },
  );
  return rows.map((row) => row.envelope);
}

/**
 * `POST /api/v1/events/consumer-groups/{group}/replay`: archived events of a time range or a
 * correlation chain go again to one consumer group only (`<stream>:group:<group>`, which no
 * other group reads), each marked `metadata.replay = true`. Events of streams the group does
 * not consume are skipped and counted.
 */
export function registerGroupReplayRoute(app: ServiceApp, deps: GroupReplayDeps): void {
  const publisher = createPublisher({ redis: deps.redis, namespace: deps.namespace });
  app.post(
    '/api/v1/events/consumer-groups/:group/replay',
    {
      onRequest: requirePermission('events:subscribe'),
      schema: {
        tags: ['replay'],
        summary: 'Replay archived events to one consumer group',
        params: z.strictObject({ group: groupName }),
        body: replayBody,
        response: { 200: z.object({ replayed: z.int(), skipped: z.int() }) },
      },
    },
    async (request) => {
      const tenantId = tenantFor(requirePrincipal(request), request.body.tenantId);
      const { group } = request.params;
      if (!request.body.from && !request.body.to && !request.body.correlationId) {
        throw new ValidationError('Say what to replay', [
          { path: 'from', message: 'give a time range (from/to) or a correlationId' },
        ]);
      }
      const reads = await aggregateTypesReadBy(deps.redis, deps.namespace, group);
      if (reads.size === 0) throw new NotFoundError('No consumer of this group reads the event streams', { group });
      const events = await archived(deps.pool, tenantId, request.body);
      const chosen = events
        .filter((event) => reads.has(event.aggregateType))
        .map((event) => ({ ...event, metadata: { ...event.metadata, replay: true } }));
      await publisher.publishMany(chosen, { group });
      return { replayed: chosen.length, skipped: events.length - chosen.length };
    },
  );
}
