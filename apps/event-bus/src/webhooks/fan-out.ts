import { uuidv7, type EventEnvelope } from '@bizosaas/event-schemas';
import type pg from 'pg';
import { matches } from './subscription-match.ts';

interface ActiveSubscription {
  id: string;
  tenant_id: string;
  all_tenants: boolean;
  event_type: string;
  filter: Record<string, unknown>;
}

/**
 * Turns events into deliveries: one row per (matching active subscription, event), due at once.
 * A tenant's subscription sees only its tenant's events; an all-tenants one (platform services)
 * sees every tenant's. Idempotent: a redelivered event finds its rows there (unique
 * subscription + event) and adds none. Worker role (across tenants).
 */
export async function fanOut(workerPool: pg.Pool, events: readonly EventEnvelope[], now: Date): Promise<number> {
  const { rows: subscriptions } = await workerPool.query<ActiveSubscription>(
    `SELECT id, tenant_id, all_tenants, event_type, filter FROM event_bus.subscriptions WHERE status = 'active'`,
  );
  const deliveries = events.flatMap((event) =>
    subscriptions
      .filter(
        (s) =>
          (s.all_tenants || s.tenant_id === event.tenantId) &&
          matches({ eventType: s.event_type, filter: s.filter }, event),
      )
      .map((s) => ({
        id: uuidv7(),
        t: s.tenant_id,
        s: s.id,
        e: event.id,
        y: event.type,
        v: event,
        r: event.metadata?.replay === true,
      })),
  );
  if (deliveries.length === 0) return 0;
  const { rowCount } = await workerPool.query(
    `INSERT INTO event_bus.deliveries (id, tenant_id, subscription_id, event_id, event_type, envelope, replay, next_attempt_at)
     SELECT (d->>'id')::uuid, (d->>'t')::uuid, (d->>'s')::uuid, (d->>'e')::uuid, d->>'y', d->'v', (d->>'r')::boolean, $2
     FROM jsonb_array_elements($1::jsonb) AS d
     ON CONFLICT (subscription_id, event_id) DO NOTHING`,
    [JSON.stringify(deliveries), now],
  );
  return rowCount ?? 0;
}
