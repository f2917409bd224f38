import type pg from 'pg';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { BUILT_IN_PROVIDERS } from './built-in-providers.ts';
import { providerDefinition, type ProviderDefinition } from './provider.ts';
import { storedProviderDocument } from './stored-provider.ts';

/**
 * Test and self-hosting seam: replaces parts of built-in definitions (e.g. every URL of hubspot
 * pointing at a local server speaking its API), from PROVIDER_OVERRIDES.
 */
export type ProviderOverrides = Readonly<Record<string, Partial<ProviderDefinition>>>;

export function builtInProviders(overrides: ProviderOverrides = {}): ProviderDefinition[] {
  return BUILT_IN_PROVIDERS.map((provider) => {
    const override = overrides[provider.key];
    if (!override) return provider;
    return providerDefinition.parse({
      ...provider,
      ...override,
      ...(override.auth && { auth: { ...provider.auth, ...override.auth } }),
    });
  });
}

/** Whether `key` names a built-in provider (a tenant's own provider may not take such a key). */
export function isBuiltInProvider(key: string): boolean {
  return BUILT_IN_PROVIDERS.some((provider) => provider.key === key);
}

/**
 * A provider by key for the tenant of `client`'s transaction: a built-in one, else one the tenant
 * configured (custom_providers, under RLS). NotFoundError otherwise.
 */
export async function findProvider(
  client: pg.ClientBase,
  key: string,
  overrides: ProviderOverrides = {},
): Promise<ProviderDefinition> {
  const builtIn = builtInProviders(overrides).find((provider) => provider.key === key);
  if (builtIn) return builtIn;
  const { rows } = await client.query<{ definition: unknown }>(
    'SELECT definition FROM integration.custom_providers WHERE key = $1',
    [key],
  );
  if (!rows[0]) throw new NotFoundError(`Provider ${key} not found`, { provider: key });
  return definitionOf(rows[0].definition);
}

/** The provider definition of a stored document, without its sealed client. */
export function definitionOf(stored: unknown): ProviderDefinition {
  const { client: _client, ...definition } = storedProviderDocument.parse(stored);
  return definition;
}
