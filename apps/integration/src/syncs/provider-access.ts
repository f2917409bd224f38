import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { withTransaction } from '@bizosaas/db';
import { getConnection, loadCredentials, type ConnectionView } from '../connections/connection-store.ts';
import type { Credentials } from '../connections/credentials.ts';
import type { IntegrationContext } from '../context.ts';
import { findProvider } from '../providers/find-provider.ts';
import type { ProviderDefinition } from '../providers/provider.ts';

export interface ProviderAccess {
  provider: ProviderDefinition;
  connection: ConnectionView;
  /** The auth headers of a call to the provider (never logged, never returned). */
  headers: Record<string, string>;
}

function authHeaders(provider: ProviderDefinition, credentials: Credentials): Record<string, string> {
  if (credentials.type === 'oauth2') return { authorization: `Bearer ${credentials.accessToken}` };
  if (provider.auth.type !== 'api_key') throw new Error(`${provider.key} takes OAuth 2, the connection holds a key`);
  return { [provider.auth.header.toLowerCase()]: provider.auth.format.replace('{key}', credentials.apiKey) };
}

/**
 * The provider, the connection and the headers its calls carry, for the tenant's connection: its
 * credentials opened as they are stored (the access token as last refreshed).
 */
export async function providerAccess(
  ctx: Pick<IntegrationContext, 'pool' | 'dataKeys' | 'config'>,
  tenantId: string,
  connectionId: string,
): Promise<ProviderAccess> {
  return withTransaction(
    ctx.pool,
    async (client) => {
      const connection = await getConnection(client, connectionId);
      if (connection.status !== 'active')
        throw new BusinessRuleViolation('connection_needs_reauth', 'The connection needs to be reconnected', {
          connectionId,
        });
      const provider = await findProvider(client, connection.provider, ctx.config.PROVIDER_OVERRIDES);
      const credentials = await loadCredentials(client, ctx, tenantId, connectionId);
      return { provider, connection, headers: authHeaders(provider, credentials) };
    },
    { tenantId },
  );
}
