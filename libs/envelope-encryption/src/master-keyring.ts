import { DecryptionFailedError, openBytes, sealBytes } from './aes-gcm.ts';

export interface Sealed {
  masterKeyId: string;
  sealed: Buffer;
}

/** Versioned master keys: seals under the active one, opens under whichever id a value names. */
export interface MasterKeyring {
  readonly activeId: string;
  /** Seals under the active master key. */
  seal(plaintext: Buffer, aad: string): Sealed;
  /** Opens with the named master key; an unknown id or a failed check throws DecryptionFailedError. */
  open(masterKeyId: string, sealed: Buffer, aad: string): Buffer;
}

export interface MasterKeyringOptions {
  /** The active key's id; may be omitted when there is only one key. */
  activeId?: string | undefined;
  /** Where the keys come from, named in errors (`EVENTBUS_MASTER_KEYS`). */
  source?: string;
}

/** `keys`: id -> 32 bytes, base64 (as `masterKeyEnv` validates them). */
export function createMasterKeyring(
  keys: Readonly<Record<string, string>>,
  options: MasterKeyringOptions = {},
): MasterKeyring {
  const bytes = new Map(Object.entries(keys).map(([id, value]) => [id, Buffer.from(value, 'base64')]));
  const active = options.activeId ?? [...bytes.keys()][0];
  const activeKey = active === undefined ? undefined : bytes.get(active);
  if (active === undefined || activeKey === undefined)
    throw new Error(`master key ${String(active)} is not configured`);
  const source = options.source ?? 'the configured master keys';
  return {
    activeId: active,
    seal: (plaintext, aad) => ({ masterKeyId: active, sealed: sealBytes(activeKey, plaintext, aad) }),
    open(masterKeyId, sealed, aad) {
      const key = bytes.get(masterKeyId);
      if (!key) throw new DecryptionFailedError(`master key "${masterKeyId}" is not in ${source}`, { masterKeyId });
      return openBytes(key, sealed, aad, { masterKeyId });
    },
  };
}
