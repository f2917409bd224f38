import type pg from 'pg';
import { BusinessRuleViolation, NotFoundError, ValidationError } from '@bizosaas/ddd-kernel';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { IntegrationContext } from '../context.ts';
import type { CustomProviderBody, CustomProviderReplacement } from './custom-provider-body.ts';
import { isBuiltInProvider } from './find-provider.ts';
import { sealOAuthClient } from './oauth-client.ts';
import { customProviderViewOf, type CustomProviderRow, type CustomProviderView } from './provider-view.ts';
import { storedProviderDocument, type SealedOAuthClient, type StoredProviderDocument } from './stored-provider.ts';

type Keys = Pick<IntegrationContext, 'dataKeys'>;

const COLUMNS = `definition, to_json(created_at)#>>'{}' AS "createdAt", to_json(updated_at)#>>'{}' AS "updatedAt"`;

const viewOf = (row: CustomProviderRow) => customProviderViewOf(storedProviderDocument.parse(row.definition), row);

/** Stores a tenant's provider, its client secret sealed. A built-in key or one taken is 422. */
export async function createCustomProvider(
  client: pg.ClientBase,
  ctx: Keys,
  tenantId: string,
  body: CustomProviderBody,
  now: Date,
): Promise<CustomProviderView> {
  const { client: oauthClient, ...definition } = body;
  if (isBuiltInProvider(definition.key))
    throw new BusinessRuleViolation('provider_key_reserved', `${definition.key} is the key of a built-in provider`, {
      provider: definition.key,
    });
  const document: StoredProviderDocument = {
    ...definition,
    ...(oauthClient && { client: await sealOAuthClient(ctx.dataKeys, tenantId, definition.key, oauthClient) }),
  };
  const { rows } = await client.query<CustomProviderRow>(
    `INSERT INTO integration.custom_providers (id, tenant_id, key, definition, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (tenant_id, key) DO NOTHING RETURNING ${COLUMNS}`,
    [uuidv7(), tenantId, definition.key, document, now],
  );
  if (!rows[0])
    throw new BusinessRuleViolation('custom_provider_exists', `A provider ${definition.key} already exists`, {
      provider: definition.key,
    });
  return viewOf(rows[0]);
}

export async function listCustomProviders(client: pg.ClientBase): Promise<CustomProviderView[]> {
  const { rows } = await client.query<CustomProviderRow>(
    `SELECT ${COLUMNS} FROM integration.custom_providers ORDER BY key`,
  );
  return rows.map(viewOf);
}

export async function getCustomProvider(client: pg.ClientBase, key: string): Promise<CustomProviderView> {
  return viewOf(await storedRow(client, key, false));
}

/**
 * Replaces a tenant's provider. The client secret is kept unless a new one is given; the auth
 * type may not change while connections use the provider (their credentials are of that type).
 */
export async function replaceCustomProvider(
  client: pg.ClientBase,
  ctx: Keys,
  tenantId: string,
  key: string,
  body: CustomProviderReplacement,
  now: Date,
): Promise<CustomProviderView> {
  const stored = storedProviderDocument.parse((await storedRow(client, key, true)).definition);
  const { client: oauthClient, ...definition } = body;
  if (definition.auth.type !== stored.auth.type) await refuseInUse(client, key, 'change its auth type');
  let sealed: SealedOAuthClient | undefined;
  if (definition.auth.type === 'oauth2') {
    const secret = oauthClient?.clientSecret;
    if (oauthClient && secret)
      sealed = await sealOAuthClient(ctx.dataKeys, tenantId, key, { ...oauthClient, clientSecret: secret });
    else if (stored.client) sealed = { ...stored.client, ...(oauthClient && { clientId: oauthClient.clientId }) };
    else
      throw new ValidationError('Invalid provider', [
        { path: 'client.clientSecret', message: 'an OAuth 2 provider needs its client secret', location: 'body' },
      ]);
  }
  const document: StoredProviderDocument = { ...definition, key, ...(sealed && { client: sealed }) };
  const { rows } = await client.query<CustomProviderRow>(
    `UPDATE integration.custom_providers SET definition = $2, updated_at = $3 WHERE key = $1 RETURNING ${COLUMNS}`,
    [key, document, now],
  );
  return viewOf(rows[0]!);
}

/** Deletes a tenant's provider; refused (422) while connections use it. */
export async function deleteCustomProvider(client: pg.ClientBase, key: string): Promise<void> {
  await storedRow(client, key, true);
  await refuseInUse(client, key, 'delete it');
  await client.query('DELETE FROM integration.custom_providers WHERE key = $1', [key]);
}

async function storedRow(client: pg.ClientBase, key: string, forUpdate: boolean): Promise<CustomProviderRow> {
  const { rows } = await client.query<CustomProviderRow>(
    `SELECT ${COLUMNS} FROM integration.custom_providers WHERE key = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [key],
  );
  if (!rows[0]) throw new NotFoundError(`Provider ${key} not found`, { provider: key });
  return rows[0];
}

async function refuseInUse(client: pg.ClientBase, key: string, action: string): Promise<void> {
  const { rows } = await client.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM integration.connections WHERE provider = $1',
    [key],
  );
  const connections = rows[0]?.count ?? 0;
  if (connections > 0)
    throw new BusinessRuleViolation(
      'provider_in_use',
      `${connections} connection(s) use ${key}: delete them to ${action}`,
      {
        provider: key,
        connections,
      },
    );
}
