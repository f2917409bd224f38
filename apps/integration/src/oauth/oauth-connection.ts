import type pg from 'pg';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { openCredentials, type Credentials } from '../connections/credentials.ts';
import type { IntegrationContext } from '../context.ts';
import { findProvider } from '../providers/find-provider.ts';
import type { TokenTimes } from './refresh-rule.ts';
import { requireOAuth2, type OAuth2Credentials, type OAuth2Provider } from './token-endpoint.ts';

/** What a refresh decides on: the connection's row as stored (credentials still sealed). */
export interface ConnectionRow {
  provider: string;
  auth_type: string;
  status: string;
  credentials: Buffer;
  data_key_version: number;
  access_expires_at: Date | null;
  refreshed_at: Date | null;
}

export const times = (row: ConnectionRow): TokenTimes => ({
  accessExpiresAt: row.access_expires_at,
  refreshedAt: row.refreshed_at,
});
/** The tenant's connection row; `lock` is '', 'FOR UPDATE' or 'FOR UPDATE SKIP LOCKED'. */
export async function readConnection(
  client: pg.ClientBase,
  id: string,
  lock: string,
): Promise<ConnectionRow | undefined> {
  const { rows } = await client.query<ConnectionRow>(
    `SELECT provider, auth_type, status, credentials, data_key_version, access_expires_at, refreshed_at
     FROM integration.connections WHERE id = $1 ${lock}`,
    [id],
  );
  return rows[0];
}

/** The connection's OAuth 2 provider; 422 connection_not_oauth2 for an API-key connection. */
export async function oauth2ProviderOf(
  ctx: IntegrationContext,
  client: pg.ClientBase,
  connectionId: string,
  row: ConnectionRow,
): Promise<OAuth2Provider> {
  if (row.auth_type !== 'oauth2') {
    throw new BusinessRuleViolation('connection_not_oauth2', 'An API-key connection has no access token to refresh', {
      connectionId,
    });
  }
  return requireOAuth2(await findProvider(client, row.provider, ctx.config.PROVIDER_OVERRIDES));
}

export async function openOAuth2(
  ctx: IntegrationContext,
  tenantId: string,
  connectionId: string,
  row: ConnectionRow,
): Promise<OAuth2Credentials> {
  const credentials: Credentials = await openCredentials(ctx.dataKeys, tenantId, connectionId, {
    sealed: row.credentials,
    dataKeyVersion: row.data_key_version,
  });
  if (credentials.type !== 'oauth2') throw new Error(`connection ${connectionId} holds no OAuth 2 credentials`);
  return credentials;
}
