import { z } from 'zod';
import { DecryptionFailedError, KEY_BYTES, openBytes, sealBytes } from './aes-gcm.ts';

/** Key ids end up inside stored strings separated by `:`, so they are kept to a safe alphabet. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

// Key ids are checked on the whole map: zod reports a bad record key only as "Invalid key in record".
const keyMap = z.record(
  z.string(),
  z.string().refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === KEY_BYTES, 'each key must be 32 bytes, base64-encoded'),
).refine((keys) => Object.keys(keys).length > 0, 'must hold at least one key')
  .refine((keys) => Object.keys(keys).every((id) => KEY_ID.test(id)), 'key ids must be 1-32 characters of [A-Za-z0-9_-]');

/** The environment of envelope encryption; spread into the service's config schema. */
export const masterKeyEnv = {
  /**
   * Master keys as JSON `{"<keyId>": "<32 bytes, base64>"}`. Required, no default: data keys must
   * never be wrapped under a key everybody knows. Keep retired keys here until a re-wrap has run.
   */
  EVENTBUS_MASTER_KEYS: z.string().transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be JSON: {"<keyId>": "<32 bytes base64>"}' });
      return z.NEVER;
    }
  }).pipe(keyMap),
  /** The key that wraps new data keys and re-wraps old ones; may be omitted when there is only one. */
  EVENTBUS_ACTIVE_MASTER_KEY_ID: z.string().regex(KEY_ID).optional(),
};

/** Object-level check of the config schema: the active id must name a configured key. */
export function checkActiveMasterKey(
  env: { EVENTBUS_MASTER_KEYS: Record<string, string>; EVENTBUS_ACTIVE_MASTER_KEY_ID?: string | undefined },
  context: z.RefinementCtx,
): void {
  const ids = Object.keys(env.EVENTBUS_MASTER_KEYS);
  const active = env.EVENTBUS_ACTIVE_MASTER_KEY_ID;
  if (active === undefined && ids.length > 1) {
    context.addIssue({ code: 'custom', path: ['EVENTBUS_ACTIVE_MASTER_KEY_ID'], message: 'must name one of EVENTBUS_MASTER_KEYS when it holds several keys' });
  } else if (active !== undefined && !ids.includes(active)) {
    context.addIssue({ code: 'custom', path: ['EVENTBUS_ACTIVE_MASTER_KEY_ID'], message: `names no key of EVENTBUS_MASTER_KEYS (${ids.join(', ')})` });
  }
}

export interface Sealed {
  masterKeyId: string;
  sealed: Buffer;
}

export interface MasterKeyring {
  readonly activeId: string;
  /** Seals under the active master key. */
  seal(plaintext: Buffer, aad: string): Sealed;
  /** Opens with the named master key; an unknown id or a failed check throws DecryptionFailedError. */
  open(masterKeyId: string, sealed: Buffer, aad: string): Buffer;
}

export function createMasterKeyring(keys: Record<string, string>, activeId?: string): MasterKeyring {
  const bytes = new Map(Object.entries(keys).map(([id, value]) => [id, Buffer.from(value, 'base64')]));
  const active = activeId ?? [...bytes.keys()][0];
  if (active === undefined || !bytes.has(active)) throw new Error(`master key ${String(active)} is not configured`);
  return {
    activeId: active,
    seal: (plaintext, aad) => ({ masterKeyId: active, sealed: sealBytes(bytes.get(active)!, plaintext, aad) }),
    open(masterKeyId, sealed, aad) {
      const key = bytes.get(masterKeyId);
      if (!key) throw new DecryptionFailedError(`master key "${masterKeyId}" is not in EVENTBUS_MASTER_KEYS`, { masterKeyId });
      return openBytes(key, sealed, aad, { masterKeyId });
    },
  };
}
