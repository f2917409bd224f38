import { z } from 'zod';
import { KEY_BYTES } from './aes-gcm.ts';

/** Key ids end up inside stored strings separated by `:`, so they are kept to a safe alphabet. */
export const MASTER_KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

// Key ids are checked on the whole map: zod reports a bad record key only as "Invalid key in record".
const keyMap = z
  .record(
    z.string(),
    z
      .string()
      .refine(
        (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === KEY_BYTES,
        'each key must be 32 bytes, base64-encoded',
      ),
  )
  .refine((keys) => Object.keys(keys).length > 0, 'must hold at least one key')
  .refine(
    (keys) => Object.keys(keys).every((id) => MASTER_KEY_ID.test(id)),
    'key ids must be 1-32 characters of [A-Za-z0-9_-]',
  );

/**
 * Master keys as JSON `{"<keyId>": "<32 bytes, base64>"}`. Required, no default: data keys must
 * never be wrapped under a key everybody knows. Retired keys stay until a re-wrap has run.
 */
export const masterKeysVariable = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be JSON: {"<keyId>": "<32 bytes base64>"}' });
      return z.NEVER;
    }
  })
  .pipe(keyMap);

/** The key that seals new values and re-wraps old ones; may be omitted when there is only one. */
export const activeMasterKeyVariable = z.string().regex(MASTER_KEY_ID).optional();

/**
 * Object-level check of a service's config schema (`superRefine`): the active id, under
 * `activeVariable`, must name one of the keys under `keysVariable`.
 */
export function checkActiveMasterKey(keysVariable: string, activeVariable: string) {
  return (env: Record<string, unknown>, context: z.RefinementCtx): void => {
    const ids = Object.keys(env[keysVariable] ?? {});
    const active = env[activeVariable];
    if (active === undefined && ids.length > 1) {
      context.addIssue({
        code: 'custom',
        path: [activeVariable],
        message: `must name one of ${keysVariable} when it holds several keys`,
      });
    } else if (typeof active === 'string' && !ids.includes(active)) {
      context.addIssue({
        code: 'custom',
        path: [activeVariable],
        message: `names no key of ${keysVariable} (${ids.join(', ')})`,
      });
    }
  };
}
