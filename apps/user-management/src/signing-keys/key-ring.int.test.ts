import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSigningKey, signTestToken, testClaims } from '@bizosaas/auth/testing';
import { createPgAdapter } from '@bizosaas/db';
import { PrismaClient } from '../generated/prisma/client.ts';
import { TEST_SIGNING_KEY_ENCRYPTION_KEY } from '../test-support.ts';
import { signAccessToken } from '../tokens/access-token.ts';
import { createKeyRing } from './key-ring.ts';
import { createLocalVerifier } from './local-verifier.ts';

// Rotation is driven by an injected clock 31 days ahead. Keys it creates are stamped in that
// future, so processes on the real clock (other test files sharing the database) never sign with
// them, and they are deleted afterwards.
const DAY = 86_400_000;
const policy = { rotationDays: 30, publishLeadSeconds: 60, maxTokenTtlSeconds: 900 };
const kek = Buffer.from(TEST_SIGNING_KEY_ENCRYPTION_KEY, 'base64');
const started = new Date();
let prisma: PrismaClient;

beforeAll(() => {
  prisma = new PrismaClient({
    adapter: createPgAdapter({ databaseUrl: inject('appDatabaseUrl'), poolMax: 6, schema: 'user_management' }),
  });
});
afterAll(async () => {
  await prisma.signingKey.deleteMany({ where: { createdAt: { gt: new Date(started.getTime() + DAY) } } });
  await prisma.$disconnect();
});

const ringAt = (clock: () => Date) => createKeyRing({ prisma, kek, policy, now: clock, cacheMs: 0 });
const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;
const tokenAt = (ring: ReturnType<typeof ringAt>, now: Date) =>
  signAccessToken(ring, {
    subject: randomUUID(),
    tenantId: randomUUID(),
    roles: ['viewer'],
    plan: 'free',
    ttlSeconds: 900,
    now,
  });

describe('signing key ring', () => {
  it('rotates once across replicas, keeps verifying tokens of the old key, refuses unknown keys', async () => {
    const realRing = ringAt(() => new Date());
    const oldKid = (await realRing.signingKey()).kid;

    let clock = new Date(Date.now() + 31 * DAY);
    const future = clock;
    const replicas = Array.from({ length: 5 }, () => ringAt(() => clock));
    await Promise.all(replicas.map((ring) => ring.reload(true)));
    const created = await prisma.signingKey.findMany({ where: { createdAt: future } });
    expect(created).toHaveLength(1);
    const newKid = created[0]!.kid;

    const ring = replicas[0]!;
    const verifier = createLocalVerifier(ring, { now: () => clock, cooldownMs: 0 });
    // Published, not yet signing: the old key signs during the lead time.
    const jwksKids = (await ring.jwks()).keys.map((key) => key.kid);
    expect(jwksKids).toEqual(expect.arrayContaining([oldKid, newKid]));
    const byOldKey = await tokenAt(ring, clock);
    expect(kidOf(byOldKey.token)).toBe(oldKid);

    clock = new Date(future.getTime() + 61_000);
    const byNewKey = await tokenAt(ring, clock);
    expect(kidOf(byNewKey.token)).toBe(newKid);
    await expect(verifier.verify(byOldKey.token)).resolves.toMatchObject({ roles: ['viewer'] });
    await expect(verifier.verify(byNewKey.token)).resolves.toMatchObject({ roles: ['viewer'] });

    const stranger = await generateSigningKey('EdDSA');
    const iat = Math.floor(clock.getTime() / 1000);
    const forged = await signTestToken(stranger, testClaims({ iat, exp: iat + 300 }));
    await expect(verifier.verify(forged)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'unknown_key' },
    });
  });

  it('drops a retired key once every token it signed has expired', async () => {
    const insert = async (kid: string, createdAt: Date) => {
      const { publicJwk } = await generateSigningKey('EdDSA', kid);
      await prisma.signingKey.create({
        data: { kid, alg: 'EdDSA', publicJwk: { ...publicJwk }, privateKeyEncrypted: 'v1.unused', createdAt },
      });
    };
    const retired = `ed25519-test-${randomUUID()}`;
    const successor = `ed25519-test-${randomUUID()}`;
    await insert(retired, new Date(Date.now() - 100 * DAY));
    await insert(successor, new Date(Date.now() - 99 * DAY));
    const ring = ringAt(() => new Date());
    await ring.reload(true);
    const kids = (await ring.jwks()).keys.map((key) => key.kid);
    expect(kids).not.toContain(retired);
    expect(await prisma.signingKey.count({ where: { kid: retired } })).toBe(0);
    await prisma.signingKey.deleteMany({ where: { kid: successor } });
  });

  it('keeps private keys encrypted at rest', async () => {
    const rows = await prisma.signingKey.findMany();
    for (const row of rows.filter((r) => !r.kid.startsWith('ed25519-test-'))) {
      expect(row.privateKeyEncrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(row.publicJwk).not.toHaveProperty('d');
    }
    const wrongKek = createKeyRing({ prisma, kek: Buffer.alloc(32, 1), policy, cacheMs: 0 });
    await expect(wrongKek.signingKey()).rejects.toThrow();
  });
});
