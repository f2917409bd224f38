import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.ts';
import { activeKey, droppableKeys, rotationDue, type KeyPolicy } from './key-policy.ts';

export interface SigningKey {
  kid: string;
  alg: 'EdDSA';
  privateKey: KeyObject;
}

export interface KeyRing {
  /** The key to sign with now (rotating first when due). */
  signingKey(): Promise<SigningKey>;
  /** Every key a valid token may name: the JWKS document. */
  jwks(): Promise<JSONWebKeySet>;
  /** Re-reads the table (and rotates/prunes when due); at most once per `minReloadMs` unless forced. */
  reload(force?: boolean): Promise<void>;
}

export interface KeyRingOptions {
  prisma: PrismaClient;
  kek: Buffer;
  policy: KeyPolicy;
  now?: () => Date;
  /** Cached key set lifetime; the rotation check runs at most this often. Default 60 s. */
  cacheMs?: number;
}

interface StoredKey {
  kid: string;
  createdAt: Date;
  publicJwk: JWK;
  privateKeyEncrypted: string;
}

// One lock id for every replica: only one creates a key when rotation is due.
const ROTATION_LOCK = 'user_management:signing-key-rotation';

/** Signing keys in PostgreSQL, shared by every replica; the private halves encrypted at rest. */
export function createKeyRing({
  prisma,
  kek,
  policy,
  now = () => new Date(),
  cacheMs = 60_000,
}: KeyRingOptions): KeyRing {
  let keys: StoredKey[] = [];
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;
  const decrypted = new Map<string, KeyObject>();

  const read = async () =>
    (await prisma.signingKey.findMany({ orderBy: { createdAt: 'asc' } })).map((row) => ({
      ...row,
      publicJwk: row.publicJwk as JWK,
    }));

  async function maintain(current: StoredKey[]): Promise<boolean> {
    const clock = now();
    if (!rotationDue(current, clock, policy) && droppableKeys(current, clock, policy).length === 0) return false;
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${ROTATION_LOCK}))`;
      // Re-read under the lock: another replica may have rotated meanwhile.
      const locked = await tx.signingKey.findMany({ select: { kid: true, createdAt: true } });
      const drop = droppableKeys(locked, clock, policy).map((key) => key.kid);
      if (drop.length > 0) await tx.signingKey.deleteMany({ where: { kid: { in: drop } } });
      if (rotationDue(locked, clock, policy)) await tx.signingKey.create({ data: newKeyRow(kek, clock) });
    });
    return true;
  }

  async function load(): Promise<void> {
    let current = await read();
    if (await maintain(current)) current = await read();
    keys = current;
    loadedAt = Date.now();
  }

  async function reload(force = false): Promise<void> {
    if (!force && Date.now() - loadedAt < cacheMs) return;
    loading ??= load().finally(() => (loading = undefined));
    await loading;
  }

  return {
    reload,
    async signingKey() {
      await reload();
      const key = activeKey(keys, now(), policy);
      if (key === undefined) throw new Error('no signing key');
      let privateKey = decrypted.get(key.kid);
      if (privateKey === undefined) {
        privateKey = createPrivateKey({
          key: decryptPrivateKey(kek, key.kid, key.privateKeyEncrypted),
          format: 'der',
          type: 'pkcs8',
        });
        decrypted.set(key.kid, privateKey);
      }
      return { kid: key.kid, alg: 'EdDSA', privateKey };
    },
    async jwks() {
      await reload();
      return { keys: keys.map((key) => key.publicJwk) };
    },
  };
}

function newKeyRow(kek: Buffer, createdAt: Date) {
  const kid = `ed25519-${randomUUID()}`;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { kid, alg: 'EdDSA', publicJwk, privateKeyEncrypted: encryptPrivateKey(kek, kid, der), createdAt };
}
