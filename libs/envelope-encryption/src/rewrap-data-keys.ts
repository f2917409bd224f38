import { withTransaction } from '@bizosaas/db';
import type pg from 'pg';
import { qualifiedTable, wrapAad, type DataKeyTable } from './data-key-table.ts';
import type { MasterKeyring } from './master-keyring.ts';

/**
 * Re-wraps every tenant's data keys that are wrapped under another master key with the active
 * one (worker role, every tenant), in batches locked with SKIP LOCKED so replicas can run it at
 * once. No data sealed under the data keys is touched: the keys keep their bytes. A key wrapped
 * under a master key missing from the keyring stops the pass with DECRYPTION_FAILED naming it.
 * Returns how many keys it re-wrapped.
 */
export async function rewrapDataKeys(
  workerPool: pg.Pool,
  keyring: MasterKeyring,
  dataKeys: DataKeyTable,
  batchSize = 500,
): Promise<number> {
  const table = qualifiedTable(dataKeys);
  let rewrapped = 0;
  for (;;) {
    const done = await withTransaction(workerPool, async (client) => {
      const { rows } = await client.query<{
        tenant_id: string;
        version: number;
        master_key_id: string;
        wrapped_key: Buffer;
      }>(
        `SELECT tenant_id, version, master_key_id, wrapped_key FROM ${table} WHERE master_key_id <> $1
         ORDER BY tenant_id, version LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [keyring.activeId, batchSize],
      );
      for (const row of rows) {
        const aad = wrapAad(row.tenant_id, row.version);
        const { masterKeyId, sealed } = keyring.seal(keyring.open(row.master_key_id, row.wrapped_key, aad), aad);
        await client.query(
          `UPDATE ${table} SET master_key_id = $3, wrapped_key = $4, rewrapped_at = now() WHERE tenant_id = $1 AND version = $2`,
          [row.tenant_id, row.version, masterKeyId, sealed],
        );
      }
      return rows.length;
    });
    rewrapped += done;
    if (done < batchSize) return rewrapped;
  }
}

/** Data keys per master key: a retired master key may leave the configuration once it is absent here. */
export async function dataKeysByMasterKey(pool: pg.Pool, dataKeys: DataKeyTable): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ master_key_id: string; count: number }>(
    `SELECT master_key_id, count(*)::int AS count FROM ${qualifiedTable(dataKeys)} GROUP BY master_key_id ORDER BY master_key_id`,
  );
  return Object.fromEntries(rows.map((row) => [row.master_key_id, row.count]));
}
