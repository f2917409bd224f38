import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { findProvider } from '../providers/find-provider.ts';
import { apiKeyCredentials, type ApiKeyCredentialsBody } from './api-key-credentials.ts';
import { getConnection, loadCredentials, replaceCredentials, type ConnectionView } from './connection-store.ts';

/**
 * Replaces an API-key connection's key (a rotated key); the webhook signing secret is kept
 * unless a new one is given. An OAuth 2 connection gets new tokens by reconnecting (422).
 */
export async function replaceApiKey(
  ctx: Pick<IntegrationContext, 'pool' | 'outbox' | 'config' | 'dataKeys'>,
  tenantId: string,
  connectionId: string,
  body: ApiKeyCredentialsBody,
  now: Date,
): Promise<ConnectionView> {
  return tenantTransaction(ctx, tenantId, async (client) => {
    const connection = await getConnection(client, connectionId, { forUpdate: true });
    if (connection.authType !== 'api_key')
      throw new BusinessRuleViolation(
        'oauth_connection_needs_reconnect',
        'An OAuth 2 connection gets new tokens with POST /api/v1/integrations/connections/:id/reconnect',
        { connectionId, provider: connection.provider, authType: connection.authType },
      );
    const provider = await findProvider(client, connection.provider, ctx.config.PROVIDER_OVERRIDES);
    const stored = await loadCredentials(client, ctx, tenantId, connectionId);
    const kept = stored.type === 'api_key' ? stored.webhookSecret : undefined;
    await replaceCredentials(client, ctx, tenantId, connectionId, apiKeyCredentials(provider, body, '', kept), now);
    return getConnection(client, connectionId);
  });
}
