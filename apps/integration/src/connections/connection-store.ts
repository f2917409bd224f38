import type pg from 'pg';
import { z } from 'zod';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import type { IntegrationContext } from '../context.ts';
import { openCredentials, sealCredentials, type Credentials } from './credentials.ts';

export const connectionStatus = z.enum(['active', 'needs_reauth']);

/** A connection as routes show it: never its credentials. */
export const connectionView = z.object({
  id: z.uuid(),
  provider: z.string(),
  authType: z.enum(['oauth2', 'api_key']),
  status: connectionStatus,
  statusReason: z.string().nullable(),
  scopes: z.array(z.string()),
  accessExpiresAt: z.string().nullable(),
  refreshedAt: z.string().nullable(),
  externalAccountId: z.string().nullable(),
  displayName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConnectionView = z.output<typeof connectionView>;

const iso = (column: string) => `to_json(${column})#>>'{}'`;
export const CONNECTION_COLUMNS = `id, provider, auth_type AS "authType", status, status_reason AS "statusReason", scopes,
  ${iso('access_expires_at')} AS "accessExpiresAt", ${iso('refreshed_at')} AS "refreshedAt",
  external_account_id AS "externalAccountId", display_name AS "displayName",
  ${iso('created_at')} AS "createdAt", ${iso('updated_at')} AS "updatedAt"`;

export interface NewConnection {
  id: string;
  tenantId: string;
  provider: string;
  credentials: Credentials;
  scopes: readonly string[];
  externalAccountId: string | null;
  displayName: string | null;
}

/** Inserts a connection with its credentials sealed, in the tenant's transaction. */
export async function insertConnection(
  client: pg.ClientBase,
  ctx: Pick<IntegrationContext, 'dataKeys'>,
  connection: NewConnection,
  now: Date,
): Promise<ConnectionView> {
  const { sealed, dataKeyVersion } = await sealCredentials(
    ctx.dataKeys,
    connection.tenantId,
    connection.id,
    connection.credentials,
  );
  const expiresAt =
    connection.credentials.type === 'oauth2' && connection.credentials.expiresAt !== null
      ? new Date(connection.credentials.expiresAt)
      : null;
  const { rows } = await client.query<ConnectionView>(
    `INSERT INTO integration.connections (id, tenant_id, provider, auth_type, status, credentials, data_key_version,
       scopes, access_expires_at, refreshed_at, external_account_id, display_name, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $9, $10, $11, $9, $9) RETURNING ${CONNECTION_COLUMNS}`,
    [
      connection.id,
      connection.tenantId,
      connection.provider,
      connection.credentials.type,
      sealed,
      dataKeyVersion,
      connection.scopes,
      expiresAt,
      now,
      connection.externalAccountId,
      connection.displayName,
    ],
  );
  return rows[0]!;
}

/** The tenant's connection (RLS: another tenant's id is not found); `forUpdate` locks its row. */
export async function getConnection(
  client: pg.ClientBase,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ConnectionView> {
  const { rows } = await client.query<ConnectionView>(
    `SELECT ${CONNECTION_COLUMNS} FROM integration.connections WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (!rows[0]) throw new NotFoundError('Connection not found', { connectionId: id });
  return rows[0];
}

/** The connection's credentials, opened (in the tenant's transaction). */
export async function loadCredentials(
  client: pg.ClientBase,
  ctx: Pick<IntegrationContext, 'dataKeys'>,
  tenantId: string,
  id: string,
): Promise<Credentials> {
  const { rows } = await client.query<{ credentials: Buffer; data_key_version: number }>(
    'SELECT credentials, data_key_version FROM integration.connections WHERE id = $1',
    [id],
  );
  if (!rows[0]) throw new NotFoundError('Connection not found', { connectionId: id });
  return openCredentials(ctx.dataKeys, tenantId, id, {
    sealed: rows[0].credentials,
    dataKeyVersion: rows[0].data_key_version,
  });
}

/** Replaces the credentials (a refresh, a reconnect), sealed with the tenant's newest data key. */
export async function replaceCredentials(
  client: pg.ClientBase,
  ctx: Pick<IntegrationContext, 'dataKeys'>,
  tenantId: string,
  id: string,
  credentials: Credentials,
  now: Date,
): Promise<void> {
  const { sealed, dataKeyVersion } = await sealCredentials(ctx.dataKeys, tenantId, id, credentials);
  const expiresAt =
    credentials.type === 'oauth2' && credentials.expiresAt !== null ? new Date(credentials.expiresAt) : null;
  await client.query(
    `UPDATE integration.connections SET credentials = $2, data_key_version = $3, access_expires_at = $4,
       refreshed_at = $5, updated_at = $5, status = 'active', status_reason = NULL WHERE id = $1`,
    [id, sealed, dataKeyVersion, expiresAt, now],
  );
}
