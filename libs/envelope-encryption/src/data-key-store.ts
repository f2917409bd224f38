import { randomBytes } from 'node:crypto';
import { withTransaction } from '@bizosaas/db';
import type pg from 'pg';
import { DecryptionFailedError, KEY_BYTES } from './aes-gcm.ts';
import { createBoundedCache } from './bounded-cache.ts';
import { DATA_KEY_COLUMNS, qualifiedTable, wrapAad, type DataKeyRow, type DataKeyTable } from './data-key-table.ts';
import type { MasterKeyring } from './master-keyring.ts';

export interface DataKey {
  version: number;
  key: Buffer;
}

export interface DataKeyInfo {
  version: number;
  masterKeyId: string;
  createdAt: string;
  rewrappedAt: string | null;
}

export interface DataKeyStore {
  /** The tenant's newest data key; version 1 is made on first use. */
  active(tenantId: string): Promise<DataKey>;
  /** One version (old ones keep opening what they sealed); a missing version throws DecryptionFailedError. */
  version(tenantId: string, version: number): Promise<Buffer>;
  /** Adds the next version: new writes use it at once here, within `activeRefreshMs` on other replicas. */
  rotate(tenantId: string): Promise<DataKeyInfo>;
  list(tenantId: string): Promise<DataKeyInfo[]>;
}

export interface DataKeyStoreOptions {
  /** App role: every query runs in the tenant's transaction (RLS). */
  pool: pg.Pool;
  keyring: MasterKeyring;
  table: DataKeyTable;
  /** Unwrapped keys (and active versions) kept in memory, least recently used dropped first. */
  cacheSize: number;
  /** How long a tenant's active version is trusted before it is read again (another replica may rotate). */
  activeRefreshMs: number;
  /** Clock of the active-version refresh (tests). */
  now?: () => number;
}

const info = (row: DataKeyRow): DataKeyInfo => ({
  version: row.version,
  masterKeyId: row.master_key_id,
  createdAt: row.created_at.toISOString(),
  rewrappedAt: row.rewrapped_at?.toISOString() ?? null,
});

/** Per-tenant data keys, random 32 bytes each, stored wrapped under the active master key. */
export function createDataKeyStore(options: DataKeyStoreOptions): DataKeyStore {
  const keys = createBoundedCache<Buffer>({ maxEntries: options.cacheSize });
  const activeVersions = createBoundedCache<number>({
    maxEntries: options.cacheSize,
    ttlMs: options.activeRefreshMs,
    ...(options.now && { now: options.now }),
  });
  const loading = new Map<string, Promise<DataKey>>();
  const table = qualifiedTable(options.table);
  // The same text on every replica and version of the service: rotations of a tenant serialise on it.
  const rotationLock = `${options.table.schema}.${options.table.name}:`;
  const inTenant = <T>(tenantId: string, work: (client: pg.PoolClient) => Promise<T>) =>
    withTransaction(options.pool, work, { tenantId });
  const select = (client: pg.ClientBase, tenantId: string, version: number) =>
    client.query<DataKeyRow>(`SELECT ${DATA_KEY_COLUMNS} FROM ${table} WHERE tenant_id = $1 AND version = $2`, [
      tenantId,
      version,
    ]);

  function unwrap(tenantId: string, row: DataKeyRow): Buffer {
    const key = options.keyring.open(row.master_key_id, row.wrapped_key, wrapAad(tenantId, row.version));
    keys.set(`${tenantId}:${row.version}`, key);
    return key;
  }

  async function insertVersion(client: pg.ClientBase, tenantId: string, version: number): Promise<void> {
    const { masterKeyId, sealed } = options.keyring.seal(randomBytes(KEY_BYTES), wrapAad(tenantId, version));
    await client.query(
      `INSERT INTO ${table} (tenant_id, version, master_key_id, wrapped_key) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, version) DO NOTHING`,
      [tenantId, version, masterKeyId, sealed],
    );
  }

  async function loadActive(tenantId: string): Promise<DataKey> {
    const row = await inTenant(tenantId, async (client) => {
      const newest = () =>
        client.query<DataKeyRow>(
          `SELECT ${DATA_KEY_COLUMNS} FROM ${table} WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1`,
          [tenantId],
        );
      const found = (await newest()).rows[0];
      if (found) return found;
      // Two replicas may race to make version 1: one insert wins, both then read the same row.
      await insertVersion(client, tenantId, 1);
      return (await newest()).rows[0]!;
    });
    activeVersions.set(tenantId, row.version);
    return { version: row.version, key: unwrap(tenantId, row) };
  }

  async function version(tenantId: string, wanted: number): Promise<Buffer> {
    const cached = keys.get(`${tenantId}:${wanted}`);
    if (cached) return cached;
    const row = await inTenant(tenantId, async (client) => (await select(client, tenantId, wanted)).rows[0]);
    if (!row) throw new DecryptionFailedError(`the tenant has no data key version ${wanted}`, { version: wanted });
    return unwrap(tenantId, row);
  }

  async function rotate(tenantId: string): Promise<DataKeyInfo> {
    const row = await inTenant(tenantId, async (client) => {
      // Serialises rotations of one tenant so two never pick the same next version.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1 || $2::text))`, [rotationLock, tenantId]);
      const { rows } = await client.query<{ next: number }>(
        `SELECT COALESCE(max(version), 0) + 1 AS next FROM ${table} WHERE tenant_id = $1`,
        [tenantId],
      );
      await insertVersion(client, tenantId, rows[0]!.next);
      return (await select(client, tenantId, rows[0]!.next)).rows[0]!;
    });
    unwrap(tenantId, row);
    activeVersions.set(tenantId, row.version);
    return info(row);
  }

  return {
    async active(tenantId) {
      const known = activeVersions.get(tenantId);
      const key = known === undefined ? undefined : keys.get(`${tenantId}:${known}`);
      if (known !== undefined && key) return { version: known, key };
      const pending = loading.get(tenantId) ?? loadActive(tenantId).finally(() => loading.delete(tenantId));
      loading.set(tenantId, pending);
      return pending;
    },
    version,
    rotate,
    async list(tenantId) {
      const { rows } = await inTenant(tenantId, (client) =>
        client.query<DataKeyRow>(`SELECT ${DATA_KEY_COLUMNS} FROM ${table} WHERE tenant_id = $1 ORDER BY version`, [
          tenantId,
        ]),
      );
      return rows.map(info);
    },
  };
}
