import { z } from 'zod';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { createEvent, uuidv7, type Actor } from '@bizosaas/event-schemas';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { findProvider } from '../providers/find-provider.ts';
import { providerDefinition } from '../providers/provider.ts';
import { apiKeyCredentials, apiKeyCredentialsBody } from './api-key-credentials.ts';
import { insertConnection, type ConnectionView } from './connection-store.ts';

export const createConnectionBody = z.strictObject({
  provider: providerDefinition.shape.key,
  credentials: apiKeyCredentialsBody,
  displayName: z.string().min(1).max(200).optional(),
});
export type CreateConnectionBody = z.output<typeof createConnectionBody>;

/** Who asked, for the events' metadata. */
export interface Causation {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
}

/**
 * Connects an API-key provider: the credentials sealed under the tenant's data key, and
 * integration.connection_created published with the row. An OAuth 2 provider connects through a
 * connect session instead (422).
 */
export async function createApiKeyConnection(
  ctx: Pick<IntegrationContext, 'pool' | 'outbox' | 'config' | 'dataKeys'>,
  tenantId: string,
  body: CreateConnectionBody,
  causation: Causation,
  now: Date,
): Promise<ConnectionView> {
  return tenantTransaction(ctx, tenantId, async (client, publish) => {
    const provider = await findProvider(client, body.provider, ctx.config.PROVIDER_OVERRIDES);
    if (provider.auth.type !== 'api_key')
      throw new BusinessRuleViolation(
        'oauth_provider_needs_connect_session',
        `${provider.key} connects with OAuth 2: start with POST /api/v1/integrations/connect-sessions`,
        { provider: provider.key, authType: provider.auth.type },
      );
    const credentials = apiKeyCredentials(provider, body.credentials, 'credentials');
    const id = uuidv7();
    const connection = await insertConnection(
      client,
      ctx,
      {
        id,
        tenantId,
        provider: provider.key,
        credentials,
        scopes: [],
        externalAccountId: null,
        displayName: body.displayName ?? null,
      },
      now,
    );
    await publish([
      createEvent(
        {
          type: 'integration.connection_created',
          tenantId,
          aggregateId: id,
          ...causation,
          data: { provider: provider.key, authType: 'api_key', scopes: [], externalAccountId: null },
        },
        { now: () => now },
      ),
    ]);
    return connection;
  });
}
