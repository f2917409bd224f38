import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { withTransaction } from '@bizosaas/db';
import { NotFoundError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { createEvent, uuidv7, type Actor } from '@bizosaas/event-schemas';
import { openCredentials, type SealedCredentials } from '../connections/credentials.ts';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { builtInProviders, findProvider } from '../providers/find-provider.ts';
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

interface Target {
  tenantId: string;
  connectionId: string;
  provider: string;
  sealed: SealedCredentials;
}

// The two statements every webhook runs are named: each pooled connection parses and plans them
// once, not on every request.

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

/**
 * The secret the provider signs with: Stripe, the connection's endpoint signing secret (sealed
 * with its credentials); HubSpot and Meta, the platform app's client secret (OAUTH_CLIENTS). A
 * missing one answers like a wrong signature; the log says which, never the secret.
 */
async function signingSecret(
  ctx: WebhookContext,
  provider: ProviderDefinition,
  target: Target,
  log: FastifyBaseLogger,
): Promise<string> {
  let secret: string | undefined;
  if (provider.webhooks.scheme === 'stripe') {
    const credentials = await openCredentials(ctx.dataKeys, target.tenantId, target.connectionId, target.sealed);
    secret = credentials.type === 'api_key' ? credentials.webhookSecret : undefined;
  } else {
    secret = ctx.config.OAUTH_CLIENTS[provider.key]?.clientSecret;
  }
  if (secret) return secret;
  log.warn(
    { provider: provider.key, connectionId: target.connectionId, scheme: provider.webhooks.scheme },
    'webhook refused: no signing secret is configured for it',
  );
  throw new UnauthenticatedError('The webhook signature is missing or wrong');
}

interface StoredEvent extends ReceivedEvent {
  id: string;
}

/**
 * Stores the events not received before (by connection and provider event id) and returns those;
 * null when the connection is gone (deleted since it was looked up): nothing is stored then.
 * The statement's snapshot is taken after it waits for its locks, so a deletion committed
 * meanwhile is seen.
 */
async function storeNew(
  client: pg.PoolClient,
  target: Target,
  events: readonly ReceivedEvent[],
  receivedAt: Date,
): Promise<StoredEvent[] | null> {
  const rows = events.map((event) => ({ ...event, id: uuidv7() }));
  const { rows: result } = await client.query<{ live: boolean; ids: string[] }>({
    name: 'webhook-store',
    text: `WITH live AS (SELECT id FROM integration.connections WHERE id = $2),
     inserted AS (
       INSERT INTO integration.webhook_events
         (id, tenant_id, connection_id, provider, provider_event_id, event_type, status, payload, received_at)
       SELECT e.id, $1, live.id, $3, e.provider_event_id, e.event_type, 'queued', e.payload::jsonb, $4
       FROM live, unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS e(id, provider_event_id, event_type, payload)
       ON CONFLICT (connection_id, provider_event_id) DO NOTHING
       RETURNING id)
     SELECT EXISTS (SELECT 1 FROM live) AS live, ARRAY(SELECT id FROM inserted)::text[] AS ids`,
    values: [
      target.tenantId,
      target.connectionId,
      target.provider,
      receivedAt,
      rows.map((row) => row.id),
      rows.map((row) => row.providerEventId),
      rows.map((row) => row.eventType),
      rows.map((row) => row.payload),
    ],
  });
  if (!result[0]!.live) return null;
  const ids = new Set(result[0]!.ids);
  return rows.filter((row) => ids.has(row.id));
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

export type WebhookReceiver = (delivery: WebhookDelivery, log: FastifyBaseLogger) => Promise<WebhookReceipt>;

/**
 * A provider's webhook: the connection found by id across tenants and the signature checked by
 * the provider's scheme before any transaction opens (a bad one costs one read and writes
 * nothing); then, in one transaction of the connection's tenant, each event stored once per
 * provider event id and, only when stored, published as integration.webhook_received through
 * the outbox, committed together: a repeat stores and publishes nothing, a stored event is
 * always published.
 */
export function createWebhookReceiver(ctx: WebhookContext): WebhookReceiver {
  const builtIns = new Map(builtInProviders(ctx.config.PROVIDER_OVERRIDES).map((p) => [p.key, p]));
  // A tenant's own provider is read under its RLS; an unknown key is an endpoint not found.
  const providerOf = async (target: Target) =>
    builtIns.get(target.provider) ??
    withTransaction(ctx.pool, (client) => findProvider(client, target.provider, ctx.config.PROVIDER_OVERRIDES), {
      tenantId: target.tenantId,
    }).catch((error: unknown) => {
      throw error instanceof NotFoundError ? endpointNotFound() : error;
    });

  return async (delivery, log) => {
    const target = await webhookTarget(ctx.worker, delivery.connectionId, delivery.provider);
    const provider = await providerOf(target);
    const scheme = provider.webhooks.scheme;
    if (scheme === 'none') throw endpointNotFound();
    const secret = await signingSecret(ctx, provider, target, log);
    const now = ctx.now();
    verifyWebhook(scheme, delivery, secret, now, provider.webhooks.toleranceSeconds);
    const events = webhookEvents(scheme, delivery.rawBody);
    return tenantTransaction(ctx, target.tenantId, async (client, publish) => {
      const stored = await storeNew(client, target, events, now);
      if (stored === null) throw endpointNotFound();
      await publish(stored.map((event) => webhookReceived(target, event, now)));
      return { duplicate: stored.length === 0 };
    });
  };
}
