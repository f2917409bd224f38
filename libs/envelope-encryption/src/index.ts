export { DecryptionFailedError, IV_BYTES, KEY_BYTES, openBytes, sealBytes, TAG_BYTES } from './aes-gcm.ts';
export { createMasterKeyring, type MasterKeyring, type MasterKeyringOptions, type Sealed } from './master-keyring.ts';
export { activeMasterKeyVariable, checkActiveMasterKey, MASTER_KEY_ID, masterKeysVariable } from './master-key-env.ts';
export { wrapAad, type DataKeyTable } from './data-key-table.ts';
export {
  createDataKeyStore,
  type DataKey,
  type DataKeyInfo,
  type DataKeyStore,
  type DataKeyStoreOptions,
} from './data-key-store.ts';
export { dataKeysByMasterKey, rewrapDataKeys } from './rewrap-data-keys.ts';
export { createBoundedCache, type BoundedCache } from './bounded-cache.ts';
