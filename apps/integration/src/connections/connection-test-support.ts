// What the connection tests read besides the routes: the events the relay published, and rows
// written as the other features would write them.
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@bizosaas/db';
import type { IntegrationContext } from '../context.ts';
import type { TestApp } from '../test-support.ts';
import { insertConnection, type NewConnection } from './connection-store.ts';

export interface PublishedEvent {
  type: string;
  tenantId: string;
  aggregateId: string;
  data: Record<string, unknown>;
}

/** Envelopes of the connection on the stream of integration_connection events, in stream order. */
export async function publishedConnectionEvents(t: TestApp, connectionId: string): Promise<PublishedEvent[]> {
  const entries = await t.redis.xrange(`${t.config.EVENT_STREAM_NAMESPACE}:{integration_connection}`, '-', '+');
  return entries
    .map(([, fields]) => JSON.parse(fields[fields.indexOf('envelope') + 1]!) as PublishedEvent)
    .filter((event) => event.aggregateId === connectionId);
}

/** A connection stored as the connect flow stores it (OAuth 2 tokens included). */
export async function storedConnection(
  t: TestApp,
  ctx: IntegrationContext,
  connection: Omit<NewConnection, 'id' | 'scopes' | 'externalAccountId' | 'displayName'>,
): Promise<string> {
  const id = randomUUID();
  await withTransaction(
    t.pool,
    (client) =>
      insertConnection(
        client,
        ctx,
        { id, scopes: [], externalAccountId: null, displayName: null, ...connection },
        new Date(),
      ),
    { tenantId: connection.tenantId },
  );
  return id;
}

/** Counts of the connection's traces in every table that holds one. */
export async function tracesOf(t: TestApp, tenantId: string, connectionId: string): Promise<Record<string, number>> {
  return withTransaction(
    t.pool,
    async (client) => {
      const { rows } = await client.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM integration.connections WHERE id = $1) AS connections,
           (SELECT count(*)::int FROM integration.syncs WHERE connection_id = $1) AS syncs,
           (SELECT count(*)::int FROM integration.sync_runs WHERE sync_id = ANY($2::uuid[])) AS runs,
           (SELECT count(*)::int FROM integration.sync_records WHERE sync_id = ANY($2::uuid[])) AS records,
           (SELECT count(*)::int FROM integration.webhook_events WHERE connection_id = $1) AS webhooks,
           (SELECT count(*)::int FROM integration.connect_sessions WHERE connection_id = $1) AS sessions`,
        [connectionId, syncIdsOf(connectionId)],
      );
      return rows[0]!;
    },
    { tenantId },
  );
}

/** The ids of the syncs seedTraces gives a connection (derived, so they are known after deletion). */
const syncIdsOf = (connectionId: string) => [
  `${connectionId.slice(0, 24)}000000000001`,
  `${connectionId.slice(0, 24)}000000000002`,
];

/** Two syncs with runs and records, webhook events and a reconnect session, as the other features write them. */
export async function seedTraces(t: TestApp, tenantId: string, connectionId: string): Promise<void> {
  const [contacts, deals] = syncIdsOf(connectionId);
  await withTransaction(
    t.pool,
    async (client) => {
      await client.query(
        `INSERT INTO integration.syncs (id, tenant_id, connection_id, model, mode, cursor, enabled, created_at, updated_at)
         VALUES ($1, $3, $4, 'contacts', 'incremental', '{"after": "200"}', true, now(), now()),
                ($2, $3, $4, 'deals', 'full', NULL, true, now(), now())`,
        [contacts, deals, tenantId, connectionId],
      );
      await client.query(
        `INSERT INTO integration.sync_runs (id, tenant_id, sync_id, status, started_at)
         SELECT gen_random_uuid(), $1, s, 'completed', now() FROM unnest($2::uuid[]) AS s`,
        [tenantId, [contacts, deals]],
      );
      await client.query(
        `INSERT INTO integration.sync_records (tenant_id, sync_id, external_id, content_hash, last_run_id, updated_at)
         SELECT $1, $2, n::text, 'sha256:' || n, gen_random_uuid(), now() FROM generate_series(1, 5) AS n`,
        [tenantId, contacts],
      );
      await client.query(
        `INSERT INTO integration.webhook_events (id, tenant_id, connection_id, provider, provider_event_id, event_type, status, payload, received_at)
         VALUES (gen_random_uuid(), $1, $2, 'stripe', 'evt_1', 'invoice.paid', 'processed', '{}', now()),
                (gen_random_uuid(), $1, $2, 'stripe', 'evt_2', 'invoice.paid', 'queued', '{}', now())`,
        [tenantId, connectionId],
      );
      await client.query(
        `INSERT INTO integration.connect_sessions (id, tenant_id, provider, state_hash, code_verifier, data_key_version,
           redirect_uri, scopes, connection_id, expires_at, created_at)
         VALUES (gen_random_uuid(), $1, 'stripe', $3, '\\x00', 1, 'http://127.0.0.1/cb', '{}', $2, now(), now())`,
        [tenantId, connectionId, randomUUID()],
      );
    },
    { tenantId },
  );
}
