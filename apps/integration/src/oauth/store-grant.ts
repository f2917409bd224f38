import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type * as oauth from 'oauth4webapi';
import { createEvent } from '@bizosaas/event-schemas';
import {
  getConnection,
  insertConnection,
  loadCredentials,
  replaceCredentials,
} from '../connections/connection-store.ts';
import type { IntegrationContext } from '../context.ts';
import type { Publish } from '../events/tenant-transaction.ts';
import type { SessionRow } from './session-row.ts';
import { credentialsFrom, type OAuth2Provider } from './token-endpoint.ts';

export interface Grant {
  tenantId: string;
  session: SessionRow;
  provider: OAuth2Provider;
  tokens: oauth.TokenEndpointResponse;
  now: Date;
}

/**
 * Stores the tokens a completed authorization granted, in the callback's transaction: a new
 * connection (integration.connection_created), or for a reconnect the connection's credentials
 * and scopes, active again (a grant without a refresh token keeps the previous one).
 */
export async function storeGrant(
  ctx: Pick<IntegrationContext, 'dataKeys'>,
  { client, publish }: { client: pg.ClientBase; publish: Publish },
  { tenantId, session, provider, tokens, now }: Grant,
): Promise<{ connectionId: string; reconnected: boolean }> {
  const credentials = credentialsFrom(tokens, now, null);
  // The scopes granted when the provider says, else the ones asked for.
  const scopes = typeof tokens.scope === 'string' ? tokens.scope.split(' ').filter(Boolean) : session.scopes;

  if (session.connection_id) {
    const connection = await getConnection(client, session.connection_id, { forUpdate: true });
    const previous = await loadCredentials(client, ctx, tenantId, connection.id);
    const refreshToken = credentials.refreshToken ?? (previous.type === 'oauth2' ? previous.refreshToken : null);
    await replaceCredentials(client, ctx, tenantId, connection.id, { ...credentials, refreshToken }, now);
    await client.query('UPDATE integration.connections SET scopes = $2 WHERE id = $1', [connection.id, scopes]);
    return { connectionId: connection.id, reconnected: true };
  }
  const id = randomUUID();
  const connection = {
    id,
    tenantId,
    provider: provider.key,
    credentials,
    scopes,
    externalAccountId: null,
    displayName: null,
  };
  await insertConnection(client, ctx, connection, now);
  await publish([
    createEvent(
      {
        type: 'integration.connection_created',
        tenantId,
        actor: session.created_by ? { type: 'user', id: session.created_by } : { type: 'service', id: 'integration' },
        aggregateId: id,
        data: { provider: provider.key, authType: 'oauth2', scopes: scopes.slice(0, 100), externalAccountId: null },
      },
      { now: () => now },
    ),
  ]);
  return { connectionId: id, reconnected: false };
}
