import { openBytes, sealBytes, type DataKeyStore } from '@bizosaas/envelope-encryption';

/**
 * What a connection holds for its provider. OAuth 2: the tokens of the grant (the refresh token
 * kept when a refresh answers none); API key: the key and, for providers that sign webhooks, the
 * webhook signing secret. Never returned by a route, never logged.
 */
export type Credentials =
  | {
      type: 'oauth2';
      accessToken: string;
      refreshToken: string | null;
      tokenType: string;
      /** Epoch ms; null when the provider gave no lifetime. */
      expiresAt: number | null;
    }
  | { type: 'api_key'; apiKey: string; webhookSecret?: string };

export interface SealedCredentials {
  sealed: Buffer;
  dataKeyVersion: number;
}

// Bound to the tenant and the connection: a sealed value copied onto another row does not open.
const aad = (tenantId: string, connectionId: string) =>
  `bizosaas.integration.credentials.v1|${tenantId}|${connectionId}`;

/** Seals credentials with the tenant's newest data key. */
export async function sealCredentials(
  keys: DataKeyStore,
  tenantId: string,
  connectionId: string,
  credentials: Credentials,
): Promise<SealedCredentials> {
  const { version, key } = await keys.active(tenantId);
  const sealed = sealBytes(key, Buffer.from(JSON.stringify(credentials)), aad(tenantId, connectionId));
  return { sealed, dataKeyVersion: version };
}

/** Opens what sealCredentials sealed (with the data key version it names). */
export async function openCredentials(
  keys: DataKeyStore,
  tenantId: string,
  connectionId: string,
  stored: SealedCredentials,
): Promise<Credentials> {
  const key = await keys.version(tenantId, stored.dataKeyVersion);
  return JSON.parse(openBytes(key, stored.sealed, aad(tenantId, connectionId)).toString()) as Credentials;
}
