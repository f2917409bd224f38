// Signs webhooks as each provider does, written from the providers' documentation and apart from
// the code under test, so a mistake in one is not mirrored by the other.
import { createHmac, randomUUID } from 'node:crypto';
import { ENVELOPE_FIELD, eventStreamKey, fieldValue } from '@bizosaas/messaging';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { insertConnection } from '../connections/connection-store.ts';
import type { Credentials } from '../connections/credentials.ts';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';

/** `Stripe-Signature` for `body` at `t` (unix seconds), with one v1 per secret. */
export function stripeSignature(body: string, t: number, ...secrets: string[]): string {
  const v1 = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
  return [`t=${t}`, ...v1].join(',');
}

/** HubSpot v3 headers: base64 HMAC-SHA256 of method + URI (as HubSpot decodes it) + body + timestamp (ms). */
export function hubspotHeaders(secret: string, uri: string, body: string, timestampMs: number): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`POST${uri}${body}${timestampMs}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestampMs) };
}

/** Meta's `X-Hub-Signature-256`. */
export function metaSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A connection of a fresh tenant, stored through the connection store. */
export async function seedConnection(
  ctx: IntegrationContext,
  provider: string,
  credentials: Credentials,
): Promise<{ tenantId: string; connectionId: string }> {
  const tenantId = randomUUID();
  const connectionId = randomUUID();
  await tenantTransaction(ctx, tenantId, (client) =>
    insertConnection(
      client,
      ctx,
      { id: connectionId, tenantId, provider, credentials, scopes: [], externalAccountId: null, displayName: null },
      ctx.now(),
    ),
  );
  return { tenantId, connectionId };
}

export interface WebhookRow {
  id: string;
  provider: string;
  provider_event_id: string;
  event_type: string;
  status: string;
  payload: unknown;
  received_at: Date;
  processed_at: Date | null;
}

/** The connection's stored webhooks, oldest first (worker role: across tenants). */
export async function webhookRows(worker: pg.Pool, connectionId: string): Promise<WebhookRow[]> {
  const { rows } = await worker.query<WebhookRow>(
    'SELECT * FROM integration.webhook_events WHERE connection_id = $1 ORDER BY received_at, provider_event_id',
    [connectionId],
  );
  return rows;
}

/** Outbox rows of the tenant not yet relayed. */
export async function outboxCount(worker: pg.Pool, tenantId: string): Promise<number> {
  const { rows } = await worker.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM integration_event_store.outbox WHERE tenant_id = $1',
    [tenantId],
  );
  return rows[0]!.count;
}

type Received = EventEnvelope<'integration.webhook_received', Record<string, unknown>>;

/** integration.webhook_received events of the connection on the service's stream. */
export async function publishedWebhooks(redis: Redis, namespace: string, connectionId: string): Promise<Received[]> {
  const entries = await redis.xrange(eventStreamKey('integration_webhook', namespace), '-', '+');
  return entries
    .map(([, fields]) => JSON.parse(fieldValue(fields, ENVELOPE_FIELD) ?? 'null') as Received)
    .filter((event) => event.data.connectionId === connectionId);
}
