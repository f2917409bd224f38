import { z } from 'zod';
import { providerDefinition } from './provider.ts';

/**
 * A custom OAuth 2 provider's own client. The secret is sealed under the tenant's data key
 * (base64 of `iv | tag | ciphertext`, bound to the tenant and the provider key); the version says
 * which data key opens it, so data keys rotate without re-sealing.
 */
export const sealedOAuthClient = z.strictObject({
  clientId: z.string().min(1).max(500),
  clientSecretSealed: z.base64(),
  dataKeyVersion: z.int().min(1),
});
export type SealedOAuthClient = z.output<typeof sealedOAuthClient>;

/** What custom_providers.definition holds: the definition and, for OAuth 2, the sealed client. */
export const storedProviderDocument = providerDefinition.extend({ client: sealedOAuthClient.optional() });
export type StoredProviderDocument = z.output<typeof storedProviderDocument>;
