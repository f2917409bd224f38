import type pg from 'pg';
import { wrapAad } from './data-key-store.ts';
import type { MasterKeyring } from './master-keys.ts';
import { resealWebhookSecrets } from './webhook-secrets.ts';
import { withTransaction } from '@bizosaas/db';

export interface RewrapResult {
  activeMasterKeyId: string;
  /** Data keys this pass re-wrapped (their bytes, and so every ciphertext, unchanged). */
  dataKeysRewrapped: number;
  webhookSecretsResealed: number;
  /** Data keys per master key after the pass: a retired key may leave the config once it is absent here. */
  dataKeysByMasterKey: Record<string, number>;
}

/**
 * Re-wraps every tenant's data keys that are wrapped under another master key with the active
 * one (worker role, every tenant), in batches locked with SKIP LOCKED so replicas can run it at
 * once. No event data is touched: the data keys keep their bytes. A key wrapped under a master
 * key missing from EVENTBUS_MASTER_KEYS stops the pass with DECRYPTION_FAILED naming it.
 */
export async function rewrapDataKeys(workerPool: pg.Pool, keyring: MasterKeyring, batchSize = 500): Promise<number> {
  let rewrapped = 0;
  for (;;) {
    const done = await withTransaction(workerPool, async (client) => {
      const { rows } = await client.query<{ tenant_id: string; version: number; master_key_id: string; wrapped_key: Buffer }>(
        `SELECT tenant_id, version, master_key_id, wrapped_key FROM event_bus.tenant_data_keys WHERE master_key_id <> $1
         ORDER BY tenant_id, version LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [keyring.activeId, batchSize],
      );
      for (const row of rows) {
        const aad = wrapAad(row.tenant_id, row.version);
        const { masterKeyId, sealed } = keyring.seal(keyring.open(row.master_key_id, row.wrapped_key, aad), aad);
        await client.query(
          `UPDATE event_bus.tenant_data_keys SET master_key_id = $3, wrapped_key = $4, rewrapped_at = now() WHERE tenant_id = $1 AND version = $2`,
          [row.tenant_id, row.version, masterKeyId, sealed],
        );
      }
      return rows.length;
    });
    rewrapped += done;
    if (done < batchSize) return rewrapped;
  }
}

/** A master-key rotation's second half, after the new key became EVENTBUS_ACTIVE_MASTER_KEY_ID on every replica. */
export async function rewrapUnderActiveMasterKey(workerPool: pg.Pool, keyring: MasterKeyring): Promise<RewrapResult> {
  const dataKeysRewrapped = await rewrapDataKeys(workerPool, keyring);
  const webhookSecretsResealed = await resealWebhookSecrets(workerPool, keyring, 'all');
  const { rows } = await workerPool.query<{ master_key_id: string; count: number }>(
    `SELECT master_key_id, count(*)::int AS count FROM event_bus.tenant_data_keys GROUP BY master_key_id ORDER BY master_key_id`,
  );
  return {
    activeMasterKeyId: keyring.activeId, dataKeysRewrapped, webhookSecretsResealed,
    dataKeysByMasterKey: Object.fromEntries(rows.map((row) => [row.master_key_id, row.count])),
  };
}
