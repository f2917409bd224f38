import type pg from 'pg';
import { dataKeysByMasterKey, rewrapDataKeys, type MasterKeyring } from '@bizosaas/envelope-encryption';
import { DATA_KEY_TABLE } from './master-keys.ts';
import { resealWebhookSecrets } from './webhook-secrets.ts';

export interface RewrapResult {
  activeMasterKeyId: string;
  /** Data keys this pass re-wrapped (their bytes, and so every ciphertext, unchanged). */
  dataKeysRewrapped: number;
  webhookSecretsResealed: number;
  /** Data keys per master key after the pass: a retired key may leave the config once it is absent here. */
  dataKeysByMasterKey: Record<string, number>;
}

/** A master-key rotation's second half, after the new key became EVENTBUS_ACTIVE_MASTER_KEY_ID on every replica. */
export async function rewrapUnderActiveMasterKey(workerPool: pg.Pool, keyring: MasterKeyring): Promise<RewrapResult> {
  const dataKeysRewrapped = await rewrapDataKeys(workerPool, keyring, DATA_KEY_TABLE);
  const webhookSecretsResealed = await resealWebhookSecrets(workerPool, keyring, 'all');
  return {
    activeMasterKeyId: keyring.activeId,
    dataKeysRewrapped,
    webhookSecretsResealed,
    dataKeysByMasterKey: await dataKeysByMasterKey(workerPool, DATA_KEY_TABLE),
  };
}
