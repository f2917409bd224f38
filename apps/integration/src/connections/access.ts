import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { freshAccessToken } from '../oauth/refresh.ts';
import { findProvider } from '../providers/find-provider.ts';
import type { ProviderDefinition } from '../providers/provider.ts';
import { getConnection, loadCredentials, type ConnectionView } from './connection-store.ts';

/** What a call to the provider on a connection's behalf needs. The headers carry the secret. */
export interface ProviderAccess {
  provider: ProviderDefinition;
  connection: ConnectionView;
  /** The authentication headers to add to the request (never logged, never returned). */
  headers: Record<string, string>;
}

/**
 * A connection's provider and the headers that authenticate a call: an API key in the header
 * and format its provider names; an OAuth 2 access token (refreshed first when due) as
 * `Authorization: <tokenType> <accessToken>`. A connection that needs reconnecting is 422
 * `connection_needs_reauth`; another tenant's is 404.
 */
export async function providerAccess(
  ctx: IntegrationContext,
  tenantId: string,
  connectionId: string,
): Promise<ProviderAccess> {
  const { provider, connection, apiKey } = await tenantTransaction(ctx, tenantId, async (client) => {
    const connection = await getConnection(client, connectionId);
    if (connection.status === 'needs_reauth')
      throw new BusinessRuleViolation('connection_needs_reauth', 'The connection must be reconnected', {
        connectionId,
        provider: connection.provider,
        currentStatus: connection.status,
        statusReason: connection.statusReason,
      });
    const provider = await findProvider(client, connection.provider, ctx.config.PROVIDER_OVERRIDES);
    const credentials =
      connection.authType === 'api_key' ? await loadCredentials(client, ctx, tenantId, connectionId) : null;
    return { provider, connection, apiKey: credentials?.type === 'api_key' ? credentials.apiKey : null };
  });
  if (apiKey === null) {
    const token = await freshAccessToken(ctx, tenantId, connectionId);
    return { provider, connection, headers: { authorization: `${token.tokenType} ${token.accessToken}` } };
  }
  if (provider.auth.type !== 'api_key')
    throw new BusinessRuleViolation('connection_needs_reauth', `${provider.key} no longer takes an API key`, {
      connectionId,
      provider: provider.key,
      authType: provider.auth.type,
    });
  // split/join: the key goes in literally, whatever `$` patterns it holds.
  const value = provider.auth.format.split('{key}').join(apiKey);
  return { provider, connection, headers: { [provider.auth.header.toLowerCase()]: value } };
}
