import type { EventEnvelope } from '@bizosaas/event-schemas';
import type { BatchItem } from '@bizosaas/messaging';
import type pg from 'pg';
import { createDataKeyStore } from '@bizosaas/envelope-encryption';
import { createEventEncryption } from './event-encryption.ts';
import { createEventBusKeyring, DATA_KEY_TABLE } from './master-keys.ts';
import { webhookPayloads } from './webhook-payload.ts';

export interface EncryptionConfig {
  EVENTBUS_MASTER_KEYS: Record<string, string>;
  EVENTBUS_ACTIVE_MASTER_KEY_ID?: string | undefined;
  EVENTBUS_DATA_KEY_CACHE_SIZE: number;
  EVENTBUS_DATA_KEY_REFRESH_MS: number;
}

/** The service's per-tenant envelope encryption, wired once in app.ts. */
export function createEncryption(config: EncryptionConfig, appPool: pg.Pool) {
  const keyring = createEventBusKeyring(config.EVENTBUS_MASTER_KEYS, config.EVENTBUS_ACTIVE_MASTER_KEY_ID);
  const keys = createDataKeyStore({
    pool: appPool,
    keyring,
    table: DATA_KEY_TABLE,
    cacheSize: config.EVENTBUS_DATA_KEY_CACHE_SIZE,
    activeRefreshMs: config.EVENTBUS_DATA_KEY_REFRESH_MS,
  });
  const events = createEventEncryption(keys);
  return {
    keyring,
    keys,
    events,
    /** Before the archive stores a read: plaintext sensitive fields sealed, sealed ones kept. */
    sealBatch: (batch: readonly BatchItem<EventEnvelope>[]) =>
      Promise.all(batch.map(async (item) => ({ ...item, event: await events.sealStored(item.event) }))),
    /** History: a page of one tenant's events, opened for that tenant's caller. */
    openAll: (stored: readonly EventEnvelope[]) => Promise.all(stored.map((event) => events.open(event))),
    webhookPayload: webhookPayloads(events, keyring),
  };
}

export type Encryption = ReturnType<typeof createEncryption>;
