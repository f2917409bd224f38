import type pg from 'pg';
import { openBytes, sealBytes, type DataKeyStore } from '@bizosaas/envelope-encryption';
import type { IntegrationContext } from '../context.ts';
import { isBuiltInProvider } from './find-provider.ts';
import { storedProviderDocument, type SealedOAuthClient } from './stored-provider.ts';

/** The OAuth 2 client the platform presents to a provider's token and revocation endpoints. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

// Bound to the tenant and the provider key: a sealed secret copied to another row does not open.
const aad = (tenantId: string, providerKey: string) =>
  `bizosaas.integration.provider-client-secret.v1|${tenantId}|${providerKey}`;

/** Seals a custom provider's client secret with the tenant's newest data key. */
export async function sealOAuthClient(
  keys: DataKeyStore,
  tenantId: string,
  providerKey: string,
  client: OAuthClient,
): Promise<SealedOAuthClient> {
  const { version, key } = await keys.active(tenantId);
  const sealed = sealBytes(key, Buffer.from(client.clientSecret), aad(tenantId, providerKey));
  return { clientId: client.clientId, clientSecretSealed: sealed.toString('base64'), dataKeyVersion: version };
}

/** Opens what sealOAuthClient sealed. */
export async function openOAuthClient(
  keys: DataKeyStore,
  tenantId: string,
  providerKey: string,
  sealed: SealedOAuthClient,
): Promise<OAuthClient> {
  const key = await keys.version(tenantId, sealed.dataKeyVersion);
  const secret = openBytes(key, Buffer.from(sealed.clientSecretSealed, 'base64'), aad(tenantId, providerKey), {
    provider: providerKey,
  });
  return { clientId: sealed.clientId, clientSecret: secret.toString() };
}

/**
 * The client for `providerKey` in the tenant's transaction: OAUTH_CLIENTS for a built-in
 * provider, the tenant's own (sealed) for a custom one; null when none is configured.
 */
export async function oauthClientOf(
  ctx: Pick<IntegrationContext, 'config' | 'dataKeys'>,
  client: pg.ClientBase,
  tenantId: string,
  providerKey: string,
): Promise<OAuthClient | null> {
  if (isBuiltInProvider(providerKey)) return ctx.config.OAUTH_CLIENTS[providerKey] ?? null;
  const { rows } = await client.query<{ definition: unknown }>(
    'SELECT definition FROM integration.custom_providers WHERE key = $1',
    [providerKey],
  );
  const sealed = rows[0] && storedProviderDocument.parse(rows[0].definition).client;
  return sealed ? openOAuthClient(ctx.dataKeys, tenantId, providerKey, sealed) : null;
}
