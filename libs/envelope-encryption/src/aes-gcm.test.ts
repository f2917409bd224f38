import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionFailedError, openBytes, sealBytes } from './aes-gcm.ts';

const key = Buffer.alloc(32, 7);
// Sealed by the event-bus before this lib existed: stored ciphertexts keep their byte format.
const STORED = Buffer.from('NKCBs57wgVFf4MmuHQfeUhwjt0CRxntqbxKugUU7lJCoZOGOoTkJ3IFkJgzVS5IWdJoog96JPg==', 'base64');

describe('AES-256-GCM sealing', () => {
  it('opens values stored before, and its own, with the same key and AAD', () => {
    expect(openBytes(key, STORED, 'bizosaas.test|aad').toString()).toBe('{"email":"ada@example.com"}');
    const sealed = sealBytes(key, Buffer.from('secret'), 'tenant|1');
    expect(openBytes(key, sealed, 'tenant|1').toString()).toBe('secret');
  });

  it('lays bytes out as iv (12) | tag (16) | ciphertext, readable by plain node:crypto', () => {
    const sealed = sealBytes(key, Buffer.from('secret'), 'aad');
    expect(sealed).toHaveLength(12 + 16 + 6);
    const iv = sealed.subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from('aad'));
    const body = Buffer.concat([cipher.update('secret'), cipher.final()]);
    expect(Buffer.concat([iv, cipher.getAuthTag(), body])).toEqual(sealed);
  });

  it('refuses another AAD, another key, a flipped bit and a truncated value, naming what it was given', () => {
    const sealed = sealBytes(key, Buffer.from('secret'), 'tenant-a');
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    for (const [k, bytes, aad] of [
      [key, sealed, 'tenant-b'],
      [Buffer.alloc(32, 8), sealed, 'tenant-a'],
      [key, flipped, 'tenant-a'],
    ] as const) {
      expect(() => openBytes(k, bytes, aad)).toThrow(DecryptionFailedError);
    }
    expect(() => openBytes(key, sealed.subarray(0, 20), 'tenant-a', { field: 'email' })).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED', status: 500, details: { field: 'email' } }),
    );
  });
});
