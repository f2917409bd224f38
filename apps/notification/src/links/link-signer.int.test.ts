import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPgPool } from '@bizosaas/db';
import type { LinkPayload } from './link-payload.ts';
import { createLinkSigner } from './link-signer.ts';

// As the app role (bizosaas_app), as the service runs: link_signing_keys has no tenant and no RLS.
let pool: pg.Pool;
beforeAll(() => {
  pool = createPgPool({ databaseUrl: inject('appDatabaseUrl'), poolMax: 3, schema: 'notification' });
});
afterAll(async () => {
  await pool?.end();
});

const unsub = (): LinkPayload => ({
  t: 'unsub',
  tenantId: randomUUID(),
  userId: randomUUID(),
  channel: 'email',
  category: 'marketing',
  messageId: randomUUID(),
});

/** Runs `work` on one connection inside a transaction that is rolled back: other test files never see its keys. */
async function inRolledBackTransaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const parts = (token: string) => token.split('.') as [string, string, string];

describe('link signer', () => {
  it('signs URL-safe tokens that verify to their payload, for unsubscribe and tracking links', async () => {
    const signer = createLinkSigner(pool);
    const payloads: LinkPayload[] = [
      unsub(),
      { t: 'unsub', tenantId: randomUUID(), address: 'jane@example.com', channel: 'email', category: 'news' },
      { t: 'click', tenantId: randomUUID(), messageId: randomUUID(), url: 'https://example.com/a?b=c' },
      { t: 'open', tenantId: randomUUID(), messageId: randomUUID() },
    ];
    for (const payload of payloads) {
      const token = await signer.sign(payload);
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[1-9]\d*\.[A-Za-z0-9_-]{43}$/);
      expect(encodeURIComponent(token)).toBe(token);
      expect(await signer.verify(token)).toEqual(payload);
    }
  });

  it('refuses a changed payload or signature, and a key id that names no stored key', async () => {
    const signer = createLinkSigner(pool);
    const token = await signer.sign(unsub());
    const [body, keyId, signature] = parts(token);
    const other = Buffer.from(JSON.stringify({ ...unsub(), userId: randomUUID() })).toString('base64url');
    const { rows } = await pool.query<{ newest: number }>('SELECT max(id) AS newest FROM link_signing_keys');
    for (const forged of [
      `${other}.${keyId}.${signature}`,
      `${body}.${keyId}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
      `${body}.${rows[0]!.newest + 1000}.${signature}`,
      'not-a-token',
    ]) {
      expect(await signer.verify(forged), forged).toBeNull();
    }
  });

  it('every replica verifies the tokens of every other (they share the stored keys)', async () => {
    const [a, b] = [createLinkSigner(pool), createLinkSigner(pool)];
    const payload = unsub();
    expect(await b.verify(await a.sign(payload))).toEqual(payload);
    expect(await a.verify(await b.sign(payload))).toEqual(payload);
  });

  it('creates key 1 of 32 random bytes on first use when there is none', async () => {
    await inRolledBackTransaction(async (client) => {
      await client.query('DELETE FROM link_signing_keys');
      const token = await createLinkSigner(client).sign(unsub());
      expect(parts(token)[1]).toBe('1');
      const { rows } = await client.query<{ id: number; secret: Buffer }>('SELECT id, secret FROM link_signing_keys');
      expect(rows.map((row) => [row.id, row.secret.length])).toEqual([[1, 32]]);
      expect(await createLinkSigner(client).verify(token)).not.toBeNull();
    });
  });

  it('after a rotation new tokens use the new key and old ones still verify, until their key is deleted', async () => {
    await inRolledBackTransaction(async (client) => {
      const before = createLinkSigner(client);
      const payload = unsub();
      const old = await before.sign(payload);
      const oldKey = Number(parts(old)[1]);
      await client.query('INSERT INTO link_signing_keys (id, secret, created_at) VALUES ($1, $2, now())', [
        oldKey + 1,
        randomBytes(32),
      ]);

      const after = createLinkSigner(client);
      const fresh = await after.sign(payload);
      expect(Number(parts(fresh)[1])).toBe(oldKey + 1);
      expect(await after.verify(old)).toEqual(payload);
      // A replica that read the keys before the rotation reloads them for a token of a newer key.
      expect(await before.verify(fresh)).toEqual(payload);

      await client.query('DELETE FROM link_signing_keys WHERE id = $1', [oldKey]);
      const revoked = createLinkSigner(client);
      expect(await revoked.verify(old)).toBeNull();
      expect(await revoked.verify(fresh)).toEqual(payload);
    });
  });
});
