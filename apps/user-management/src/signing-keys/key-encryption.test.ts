import { DecryptionFailedError } from '@bizosaas/envelope-encryption';
import { describe, expect, it } from 'vitest';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.ts';

const kek = Buffer.alloc(32, 7);
const plaintext = Buffer.from('-----BEGIN PRIVATE KEY-----test');
// Written by the service before its encryption moved to @bizosaas/envelope-encryption: rows
// stored then must keep opening.
const STORED = 'v1.MTKj49UclqppND-5.wqCzjPjdRETpBbbS1ZMVdw.SHWozGzOj-GA0hMqkNY4LKAJWfH-QDon7qV_rih48g';

describe('signing key encryption', () => {
  it('opens a stored key and what it seals itself, in the v1 format', () => {
    expect(decryptPrivateKey(kek, 'kid-2026-12', STORED)).toEqual(plaintext);
    const sealed = encryptPrivateKey(kek, 'kid-2026-12', plaintext);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(decryptPrivateKey(kek, 'kid-2026-12', sealed)).toEqual(plaintext);
  });

  it('refuses another key id, another key, a tampered row and an unknown format', () => {
    expect(() => decryptPrivateKey(kek, 'kid-other', STORED)).toThrow(DecryptionFailedError);
    expect(() => decryptPrivateKey(Buffer.alloc(32, 1), 'kid-2026-12', STORED)).toThrow(DecryptionFailedError);
    const tampered = `${STORED.slice(0, -2)}${STORED.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(() => decryptPrivateKey(kek, 'kid-2026-12', tampered)).toThrow(DecryptionFailedError);
    expect(() => decryptPrivateKey(kek, 'kid-2026-12', 'v2.a.b.c')).toThrow(/unknown encryption format/);
  });
});
