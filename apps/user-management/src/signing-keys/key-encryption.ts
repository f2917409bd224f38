import { DecryptionFailedError, IV_BYTES, openBytes, sealBytes, TAG_BYTES } from '@bizosaas/envelope-encryption';

const VERSION = 'v1';

/**
 * AES-256-GCM (@bizosaas/envelope-encryption) under the key-encryption key
 * (SIGNING_KEY_ENCRYPTION_KEY). The key id is bound as additional data, so a ciphertext moved to
 * another row does not decrypt. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url): the lib's
 * `iv | tag | ciphertext` bytes, split.
 */
export function encryptPrivateKey(kek: Buffer, kid: string, plaintext: Buffer): string {
  const sealed = sealBytes(kek, plaintext, kid);
  const parts = [
    sealed.subarray(0, IV_BYTES),
    sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    sealed.subarray(IV_BYTES + TAG_BYTES),
  ];
  return [VERSION, ...parts.map((part) => part.toString('base64url'))].join('.');
}

/** Throws DecryptionFailedError when the key-encryption key is wrong or the row was tampered with. */
export function decryptPrivateKey(kek: Buffer, kid: string, stored: string): Buffer {
  const [version, iv, tag, ciphertext] = stored.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new DecryptionFailedError(`signing key ${kid}: unknown encryption format`, { kid });
  }
  const sealed = Buffer.concat([iv, tag, ciphertext].map((part) => Buffer.from(part, 'base64url')));
  return openBytes(kek, sealed, kid, { kid });
}
