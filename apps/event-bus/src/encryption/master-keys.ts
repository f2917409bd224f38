import {
  activeMasterKeyVariable,
  checkActiveMasterKey as checkActiveMasterKeyOf,
  createMasterKeyring,
  masterKeysVariable,
  type DataKeyTable,
  type MasterKeyring,
} from '@bizosaas/envelope-encryption';

/** The environment of envelope encryption; spread into the service's config schema. */
export const masterKeyEnv = {
  /** JSON `{"<keyId>": "<32 bytes, base64>"}`; keep retired keys here until a re-wrap has run. */
  EVENTBUS_MASTER_KEYS: masterKeysVariable,
  /** The key that wraps new data keys and re-wraps old ones; may be omitted when there is only one. */
  EVENTBUS_ACTIVE_MASTER_KEY_ID: activeMasterKeyVariable,
};

/** Object-level check of the config schema: the active id must name a configured key. */
export const checkActiveMasterKey = checkActiveMasterKeyOf('EVENTBUS_MASTER_KEYS', 'EVENTBUS_ACTIVE_MASTER_KEY_ID');

/** The event-bus's master keys; a value sealed under a key missing from them names EVENTBUS_MASTER_KEYS. */
export function createEventBusKeyring(keys: Readonly<Record<string, string>>, activeId?: string): MasterKeyring {
  return createMasterKeyring(keys, { activeId, source: 'EVENTBUS_MASTER_KEYS' });
}

/** Where the tenants' wrapped data keys live (migration 20261122110552_tenant_data_keys). */
export const DATA_KEY_TABLE: DataKeyTable = { schema: 'event_bus', name: 'tenant_data_keys' };
