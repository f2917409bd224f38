import type pg from 'pg';
import { createEvent } from '@bizosaas/event-schemas';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { findProvider } from '../providers/find-provider.ts';
import { oauthClientOf } from '../providers/oauth-client.ts';
import { forgetConnectionLimits } from '../proxy/connection-limits.ts';
import { getConnection, loadCredentials, type ConnectionView } from './connection-store.ts';
import type { Causation } from './create-connection.ts';
import { revokeAtProvider, type RevocationLog } from './revoke-at-provider.ts';

type DeleteContext = Pick<IntegrationContext, 'pool' | 'outbox' | 'config' | 'dataKeys' | 'outbound' | 'redis' | 'now'>;

/** What a deletion removed, for the log line. */
export interface DeletedConnection {
  provider: string;
  revokedAtProvider: boolean;
  removed: { syncs: number; syncRuns: number; syncRecords: number; webhookEvents: number; connectSessions: number };
}

/**
 * Deletes a connection and every trace of it: revoked at the provider where it can be (the row
 * stays locked meanwhile, so no refresh swaps the token being revoked), then its syncs, their
 * runs and records, its webhook events and reconnect sessions and the row itself, in one
 * transaction with integration.connection_deleted. Its rate-limit state in Redis goes after the
 * commit. Another tenant's or a deleted connection is 404.
 */
export async function deleteConnection(
  ctx: DeleteContext,
  tenantId: string,
  connectionId: string,
  causation: Causation,
  log: RevocationLog,
): Promise<DeletedConnection> {
  const deleted = await tenantTransaction(ctx, tenantId, async (client, publish) => {
    const connection = await getConnection(client, connectionId, { forUpdate: true });
    const revokedAtProvider = await revokeGrant(ctx, client, tenantId, connection, log);
    const removed = await removeTraces(client, connectionId);
    const data = { provider: connection.provider, revokedAtProvider };
    const now = ctx.now();
    await publish([
      createEvent(
        { type: 'integration.connection_deleted', tenantId, aggregateId: connectionId, ...causation, data },
        { now: () => now },
      ),
    ]);
    return { ...data, removed };
  });
  await forgetConnectionLimits(ctx.redis, connectionId).catch((error: unknown) =>
    log({ connectionId, reason: String(error) }, 'rate-limit state of a deleted connection left in Redis'),
  );
  return deleted;
}

async function revokeGrant(
  ctx: DeleteContext,
  client: pg.ClientBase,
  tenantId: string,
  connection: ConnectionView,
  log: RevocationLog,
): Promise<boolean> {
  if (connection.authType !== 'oauth2') return false;
  try {
    const provider = await findProvider(client, connection.provider, ctx.config.PROVIDER_OVERRIDES);
    const credentials = await loadCredentials(client, ctx, tenantId, connection.id);
    const oauthClient = await oauthClientOf(ctx, client, tenantId, provider.key);
    return await revokeAtProvider(ctx, provider, credentials, oauthClient, log);
  } catch (error) {
    // A provider gone or credentials that no longer open must not keep the connection alive.
    log(
      { provider: connection.provider, reason: error instanceof Error ? error.message : 'unknown' },
      'token revocation skipped',
    );
    return false;
  }
}

/** One statement: the sync rows of the connection, its webhook events and sessions, then the row. */
async function removeTraces(client: pg.ClientBase, connectionId: string): Promise<DeletedConnection['removed']> {
  const { rows } = await client.query<DeletedConnection['removed']>(
    `WITH syncs AS (DELETE FROM integration.syncs WHERE connection_id = $1 RETURNING id),
       runs AS (DELETE FROM integration.sync_runs WHERE sync_id IN (SELECT id FROM syncs) RETURNING 1),
       records AS (DELETE FROM integration.sync_records WHERE sync_id IN (SELECT id FROM syncs) RETURNING 1),
       webhooks AS (DELETE FROM integration.webhook_events WHERE connection_id = $1 RETURNING 1),
       sessions AS (DELETE FROM integration.connect_sessions WHERE connection_id = $1 RETURNING 1),
       connection AS (DELETE FROM integration.connections WHERE id = $1)
     SELECT (SELECT count(*)::int FROM syncs) AS syncs, (SELECT count(*)::int FROM runs) AS "syncRuns",
       (SELECT count(*)::int FROM records) AS "syncRecords", (SELECT count(*)::int FROM webhooks) AS "webhookEvents",
       (SELECT count(*)::int FROM sessions) AS "connectSessions"`,
    [connectionId],
  );
  return rows[0]!;
}
