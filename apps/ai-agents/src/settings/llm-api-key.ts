import { openBytes, sealBytes, type DataKeyStore } from '@bizosaas/envelope-encryption';

/** A tenant's LLM API key as stored: sealed under one version of the tenant's data key. */
export interface SealedApiKey {
  sealed: Buffer;
  dataKeyVersion: number;
}

// Bound to the tenant: a sealed key copied onto another tenant's row does not open.
const aad = (tenantId: string) => `bizosaas.ai-agents.llm-api-key.v1|${tenantId}`;

/** Seals the key with the tenant's newest data key. */
export async function sealApiKey(keys: DataKeyStore, tenantId: string, apiKey: string): Promise<SealedApiKey> {
  const { version, key } = await keys.active(tenantId);
  return { sealed: sealBytes(key, Buffer.from(apiKey, 'utf8'), aad(tenantId)), dataKeyVersion: version };
}

/** Opens what sealApiKey sealed (with the data key version it names). */
export async function openApiKey(keys: DataKeyStore, tenantId: string, stored: SealedApiKey): Promise<string> {
  const key = await keys.version(tenantId, stored.dataKeyVersion);
  return openBytes(key, stored.sealed, aad(tenantId)).toString('utf8');
}

/**
 * What may be shown of a key so a person recognises it: its last 4 characters, and none of a key
 * too short for 4 to leave most of it unknown.
 */
export function apiKeyHint(apiKey: string): string {
  return apiKey.length >= 16 ? `****${apiKey.slice(-4)}` : '****';
}
