import { z } from 'zod';
import { providerDefinition, type ProviderDefinition } from './provider.ts';
import type { StoredProviderDocument } from './stored-provider.ts';

/** A provider as routes show it: its definition, where it comes from, never a client secret. */
export const providerView = providerDefinition.extend({
  source: z.enum(['built_in', 'custom']),
  /** OAuth 2: whether a client id and secret are configured for it; null for API-key providers. */
  clientConfigured: z.boolean().nullable(),
});
export type ProviderView = z.output<typeof providerView>;

/** A provider the tenant configured, with its OAuth 2 client id (the secret is never shown). */
export const customProviderView = providerView.extend({
  clientId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomProviderView = z.output<typeof customProviderView>;

export function builtInProviderView(provider: ProviderDefinition, clientConfigured: boolean): ProviderView {
  return {
    ...provider,
    source: 'built_in',
    clientConfigured: provider.auth.type === 'oauth2' ? clientConfigured : null,
  };
}

export interface CustomProviderRow {
  definition: unknown;
  createdAt: string;
  updatedAt: string;
}

export function customProviderViewOf(document: StoredProviderDocument, row: CustomProviderRow): CustomProviderView {
  const { client, ...definition } = document;
  return {
    ...definition,
    source: 'custom',
    clientConfigured: definition.auth.type === 'oauth2' ? client !== undefined : null,
    clientId: client?.clientId ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A custom provider as the provider list shows it (beside the built-in ones). */
export function listedProviderView(custom: CustomProviderView): ProviderView {
  const { clientId: _clientId, createdAt: _createdAt, updatedAt: _updatedAt, ...view } = custom;
  return view;
}
