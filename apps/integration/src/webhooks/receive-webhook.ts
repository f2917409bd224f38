import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { withTransaction } from '@bizosaas/db';
import { NotFoundError, ServiceUnavailableError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { createBoundedCache } from '@bizosaas/envelope-encryption';
import { outboxInsert } from '@bizosaas/event-store';
import { createEvent, uuidv7, type Actor } from '@bizosaas/event-schemas';
import type { IntegrationContext } from '../context.ts';
import { OUTBOX_SCHEMA } from '../events/tenant-transaction.ts';
import { builtInProviders, findProvider } from '../providers/find-provider.ts';
import { webhookEvents, type ReceivedEvent } from './webhook-payloads.ts';
import { createSigningSecret, type WebhookTarget as Target } from './webhook-signing-secret.ts';
import { verifyWebhook, type SignedRequest } from './webhook-signatures.ts';

export interface WebhookDelivery extends SignedRequest {
  /** The provider key and connection id of the path. */
  provider: string;
  connectionId: string;
}

export interface WebhookReceipt {
  /** True when every event of the delivery was received before: nothing was stored or published. */
  duplicate: boolean;
}

type WebhookContext = Pick<IntegrationContext, 'pool' | 'worker' | 'outbox' | 'config' | 'dataKeys' | 'now'>;

const ACTOR: Actor = { type: 'service', id: 'integration' };

// One answer for an unknown id, another provider's connection and a provider without webhooks:
// an unauthenticated caller learns nothing about which it was.
const endpointNotFound = () => new NotFoundError('No webhook endpoint at this address');

// Targets held, and for how long (a bound on memory).
const TARGET_CACHE = { maxEntries: 10_000, ttlMs: 60_000 };
// Fresh reads of a target one webhook makes before it gives up (503).
const FRESH_READS = 3;

// The two statements of a webhook are named: each pooled connection parses and plans them once,
// not on every request.

/**
 * The connection and its sealed credentials, read across tenants (worker role) in one statement:
 * only a connection of `provider` counts. The credentials open only with the key of the tenant
 * and connection they were sealed for.
 */
async function webhookTarget(worker: pg.Pool, connectionId: string, provider: string): Promise<Target> {
  const { rows } = await worker.query<{ tenant_id: string; credentials: Buffer; data_key_version: number }>({
    name: 'webhook-target',
    text: 'SELECT tenant_id, credentials, data_key_version FROM integration.connections WHERE id = $1 AND provider = $2',
    values: [connectionId, provider],
  });
  const row = rows[0];
  if (!row) throw endpointNotFound();
  const sealed = { sealed: row.credentials, dataKeyVersion: row.data_key_version };
  return { tenantId: row.tenant_id, connectionId, provider, sealed };
}

interface StoredEvent extends ReceivedEvent {
  id: string;
}

function webhookReceived(target: Target, event: StoredEvent, now: Date) {
  return createEvent(
    {
      type: 'integration.webhook_received',
      tenantId: target.tenantId,
      actor: ACTOR,
      aggregateId: event.id,
      data: {
        provider: target.provider,
        connectionId: target.connectionId,
        providerEventId: event.providerEventId,
        eventType: event.eventType,
        payload: event.payload,
        receivedAt: now.toISOString(),
      },
    },
    { now: () => now },
  );
}

// The statement sets the tenant for itself (row-level security), one autocommitted round trip
// instead of BEGIN, it and COMMIT; each read of a table waits for `tenant` (LATERAL on its id), so
// no row is seen or written before the setting is made.
const STORE = `WITH tenant AS (SELECT set_config('app.current_tenant_id', $1::text, true) AS id),
  live AS (SELECT c.id, c.current FROM tenant, LATERAL (
    SELECT id, credentials = $10 AND data_key_version = $11 AS current
    FROM integration.connections WHERE id = $2 AND tenant.id IS NOT NULL) c),
  inserted AS (
    INSERT INTO integration.webhook_events
      (id, tenant_id, connection_id, provider, provider_event_id, event_type, status, payload, received_at)
    SELECT e.id, $1::uuid, live.id, $3, e.provider_event_id, e.event_type, 'queued', e.payload::jsonb, $4
    FROM live, unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS e(id, provider_event_id, event_type, payload)
    WHERE live.current
    ON CONFLICT (connection_id, provider_event_id) DO NOTHING
    RETURNING id)`;

/**
 * Stores the events not received before (by connection and provider event id) and, in the same
 * statement, the outbox rows of exactly those (integration.webhook_received, aggregate = the
 * row's id); returns the stored ones, null when the connection is gone (deleted since it was
 * looked up), or 'stale' when its credentials are no longer those the signature was checked
 * against: nothing is stored then. One round trip: the envelopes of all the delivery's events
 * go along and the statement keeps those of the rows it inserted; one statement, so one
 * transaction. The statement's snapshot is taken after it waits for its locks, so a deletion or
 * a new secret committed meanwhile is seen.
 */
async function storeAndPublish(
  ctx: Pick<WebhookContext, 'config'>,
  client: pg.Pool,
  target: Target,
  events: readonly ReceivedEvent[],
  receivedAt: Date,
): Promise<StoredEvent[] | null | 'stale'> {
  const rows = events.map((event) => ({ ...event, id: uuidv7() }));
  const outbox = outboxInsert(
    OUTBOX_SCHEMA,
    rows.map((row) => webhookReceived(target, row, receivedAt)),
    { namespace: ctx.config.EVENT_STREAM_NAMESPACE, parameter: 9, onlyAggregatesIn: 'SELECT id FROM inserted' },
  );
  const { rows: result } = await client.query<{ live: boolean; current: boolean; ids: string[] }>({
    name: 'webhook-store',
    text: `${STORE}, published AS (${outbox.text} RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM live) AS live, EXISTS (SELECT 1 FROM live WHERE current) AS current,
        ARRAY(SELECT id FROM inserted)::text[] AS ids`,
    values: [
      target.tenantId,
      target.connectionId,
      target.provider,
      receivedAt,
      rows.map((row) => row.id),
      rows.map((row) => row.providerEventId),
      rows.map((row) => row.eventType),
      rows.map((row) => row.payload),
      outbox.value,
      target.sealed.sealed,
      target.sealed.dataKeyVersion,
    ],
  });
  if (!result[0]!.live) return null;
  if (!result[0]!.current) return 'stale';
  const ids = new Set(result[0]!.ids);
  return rows.filter((row) => ids.has(row.id));
}

export type WebhookReceiver = (delivery: WebhookDelivery, log: FastifyBaseLogger) => Promise<WebhookReceipt>;

/**
 * A provider's webhook: the connection found by id across tenants (kept after the first read) and
 * the signature checked by the provider's scheme before any transaction opens (a bad one costs at
 * most one read and writes nothing); then, in one transaction of the connection's tenant, each
 * event stored once per provider event id and, only when stored, published as
 * integration.webhook_received through the outbox, committed together: a repeat stores and
 * publishes nothing, a stored event is always published.
 */
export function createWebhookReceiver(ctx: WebhookContext): WebhookReceiver {
  const signingSecret = createSigningSecret(ctx);
  const builtIns = new Map(builtInProviders(ctx.config.PROVIDER_OVERRIDES).map((p) => [p.key, p]));
  // A tenant's own provider is read under its RLS; an unknown key is an endpoint not found.
  const providerOf = async (target: Target) =>
    builtIns.get(target.provider) ??
    withTransaction(ctx.pool, (client) => findProvider(client, target.provider, ctx.config.PROVIDER_OVERRIDES), {
      tenantId: target.tenantId,
    }).catch((error: unknown) => {
      throw error instanceof NotFoundError ? endpointNotFound() : error;
    });

  // Each connection's target is kept after a read: a webhook then costs one round trip, the store,
  // which also checks that the connection's credentials are still the ones the signature was
  // checked with. A connection's tenant and provider never change; when its credentials did (a new
  // signing secret), the webhook is checked again against a fresh read, so an old secret is
  // refused from the moment a new one commits, on every replica.
  const targets = createBoundedCache<Target>(TARGET_CACHE);
  const receive = async (delivery: WebhookDelivery, target: Target, log: FastifyBaseLogger) => {
    const provider = await providerOf(target);
    const scheme = provider.webhooks.scheme;
    if (scheme === 'none') throw endpointNotFound();
    const secret = await signingSecret(provider, target, log);
    const now = ctx.now();
    verifyWebhook(scheme, delivery, secret, now, provider.webhooks.toleranceSeconds);
    return storeAndPublish(ctx, ctx.pool, target, webhookEvents(scheme, delivery.rawBody), now);
  };

  return async (delivery, log) => {
    const key = `${delivery.provider}|${delivery.connectionId}`;
    const cached = targets.get(key);
    // A signature refused against cached credentials is checked again against fresh ones.
    let stored = cached
      ? await receive(delivery, cached, log).catch((error: unknown) => {
          if (error instanceof UnauthenticatedError) return 'stale' as const;
          throw error;
        })
      : 'stale';
    for (let reads = 0; stored === 'stale'; reads += 1) {
      // Credentials replaced between each read and its store, again and again: the provider retries.
      if (reads === FRESH_READS) throw new ServiceUnavailableError('The connection is being changed; retry');
      targets.delete(key);
      const target = await webhookTarget(ctx.worker, delivery.connectionId, delivery.provider);
      targets.set(key, target);
      stored = await receive(delivery, target, log);
    }
    if (stored === null) {
      targets.delete(key);
      throw endpointNotFound();
    }
    // After the commit: the relay must not look before the rows are visible.
    if (stored.length > 0) ctx.outbox.notify();
    return { duplicate: stored.length === 0 };
  };
}
