import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { NotFoundError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { createEvent, uuidv7, type Actor } from '@bizosaas/event-schemas';
import { loadCredentials } from '../connections/connection-store.ts';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { findProvider } from '../providers/find-provider.ts';
import type { ProviderDefinition } from '../providers/provider.ts';
import { webhookEvents, type ReceivedEvent } from './webhook-payloads.ts';
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

/** The connection's tenant, read across tenants (worker role): only a connection of `provider` counts. */
async function connectionTenant(worker: pg.Pool, connectionId: string, provider: string): Promise<string> {
  const { rows } = await worker.query<{ tenant_id: string }>(
    'SELECT tenant_id FROM integration.connections WHERE id = $1 AND provider = $2',
    [connectionId, provider],
  );
  if (!rows[0]) throw endpointNotFound();
  return rows[0].tenant_id;
}

/**
 * The secret the provider signs with: Stripe, the connection's endpoint signing secret (sealed
 * with its credentials); HubSpot and Meta, the platform app's client secret (OAUTH_CLIENTS). A
 * missing one answers like a wrong signature; the log says which, never the secret.
 */
async function signingSecret(
  ctx: WebhookContext,
  client: pg.PoolClient,
  provider: ProviderDefinition,
  delivery: WebhookDelivery & { tenantId: string },
  log: FastifyBaseLogger,
): Promise<string> {
  let secret: string | undefined;
  if (provider.webhooks.scheme === 'stripe') {
    const credentials = await loadCredentials(client, ctx, delivery.tenantId, delivery.connectionId);
    secret = credentials.type === 'api_key' ? credentials.webhookSecret : undefined;
  } else {
    secret = ctx.config.OAUTH_CLIENTS[provider.key]?.clientSecret;
  }
  if (secret) return secret;
  log.warn(
    { provider: provider.key, connectionId: delivery.connectionId, scheme: provider.webhooks.scheme },
    'webhook refused: no signing secret is configured for it',
  );
  throw new UnauthenticatedError('The webhook signature is missing or wrong');
}

interface StoredEvent extends ReceivedEvent {
  id: string;
}

/** Stores the events not received before (by connection and provider event id) and returns those. */
async function storeNew(
  client: pg.PoolClient,
  delivery: WebhookDelivery & { tenantId: string },
  events: readonly ReceivedEvent[],
  receivedAt: Date,
): Promise<StoredEvent[]> {
  const rows = events.map((event) => ({ ...event, id: uuidv7() }));
  const { rows: inserted } = await client.query<{ id: string }>(
    `INSERT INTO integration.webhook_events
       (id, tenant_id, connection_id, provider, provider_event_id, event_type, status, payload, received_at)
     SELECT e.id, $1, $2, $3, e.provider_event_id, e.event_type, 'queued', e.payload::jsonb, $4
     FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS e(id, provider_event_id, event_type, payload)
     ON CONFLICT (connection_id, provider_event_id) DO NOTHING
     RETURNING id`,
    [
      delivery.tenantId,
      delivery.connectionId,
      delivery.provider,
      receivedAt,
      rows.map((row) => row.id),
      rows.map((row) => row.providerEventId),
      rows.map((row) => row.eventType),
      rows.map((row) => row.payload),
    ],
  );
  const ids = new Set(inserted.map((row) => row.id));
  return rows.filter((row) => ids.has(row.id));
}

/**
 * A provider's webhook: the connection found by id across tenants, then in one transaction of
 * its tenant the signature checked by the provider's scheme (401 before anything is written),
 * each event stored once per provider event id and, only when stored, published as
 * integration.webhook_received through the outbox, committed together: a repeat stores and
 * publishes nothing, and a stored event is always published.
 */
export async function receiveWebhook(
  ctx: WebhookContext,
  delivery: WebhookDelivery,
  log: FastifyBaseLogger,
): Promise<WebhookReceipt> {
  const tenantId = await connectionTenant(ctx.worker, delivery.connectionId, delivery.provider);
  const target = { ...delivery, tenantId };
  return tenantTransaction(ctx, tenantId, async (client, publish) => {
    const provider = await findProvider(client, delivery.provider, ctx.config.PROVIDER_OVERRIDES).catch(
      (error: unknown) => {
        throw error instanceof NotFoundError ? endpointNotFound() : error;
      },
    );
    const scheme = provider.webhooks.scheme;
    if (scheme === 'none') throw endpointNotFound();
    const secret = await signingSecret(ctx, client, provider, target, log);
    const now = ctx.now();
    verifyWebhook(scheme, delivery, secret, now, provider.webhooks.toleranceSeconds);
    const stored = await storeNew(client, target, webhookEvents(scheme, delivery.rawBody), now);
    await publish(
      stored.map((event) =>
        createEvent(
          {
            type: 'integration.webhook_received',
            tenantId,
            actor: ACTOR,
            aggregateId: event.id,
            data: {
              provider: delivery.provider,
              connectionId: delivery.connectionId,
              providerEventId: event.providerEventId,
              eventType: event.eventType,
              payload: event.payload,
              receivedAt: now.toISOString(),
            },
          },
          { now: () => now },
        ),
      ),
    );
    return { duplicate: stored.length === 0 };
  });
}
