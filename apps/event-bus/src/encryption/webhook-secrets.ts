import type pg from 'pg';
import { DecryptionFailedError, type MasterKeyring } from '@bizosaas/envelope-encryption';
import { withTransaction } from '@bizosaas/db';

/** `enc:mk1:<master key id>:<base64 of iv | tag | ciphertext>` */
const SEALED = /^enc:mk1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/;

export interface SecretOwner {
  tenantId: string;
  subscriptionId: string;
}

// Bound to its subscription: a sealed secret copied onto another row does not open.
const aadOf = ({ tenantId, subscriptionId }: SecretOwner) =>
  `bizosaas.webhook-secret.v1|${tenantId.toLowerCase()}|${subscriptionId.toLowerCase()}`;

/** Seals a webhook signing secret under the active master key (it must stay readable to sign). */
export function sealWebhookSecret(keyring: MasterKeyring, secret: string, owner: SecretOwner): string {
  const { masterKeyId, sealed } = keyring.seal(Buffer.from(secret, 'utf8'), aadOf(owner));
  return `enc:mk1:${masterKeyId}:${sealed.toString('base64')}`;
}

/** The plaintext secret. Rows written before sealing existed (`whsec_...`) are read as they are. */
export function openWebhookSecret(keyring: MasterKeyring, stored: string, owner: SecretOwner): string {
  if (stored.startsWith('whsec_')) return stored;
  const match = SEALED.exec(stored);
  if (!match) throw new DecryptionFailedError('not a sealed webhook secret', { subscriptionId: owner.subscriptionId });
  return keyring.open(match[1]!, Buffer.from(match[2]!, 'base64'), aadOf(owner)).toString('utf8');
}

/**
 * Seals secrets with the active master key (worker role, every tenant): `plaintext` converts rows
 * written before secrets were sealed (run at start); `all` also reseals those under another
 * master key (part of a master-key re-wrap). Batches of `batchSize` rows, each locked with SKIP
 * LOCKED so replicas share the work. Returns how many rows it changed.
 */
export async function resealWebhookSecrets(
  workerPool: pg.Pool,
  keyring: MasterKeyring,
  scope: 'plaintext' | 'all',
  batchSize = 500,
): Promise<number> {
  const [which, extra] =
    scope === 'plaintext'
      ? [`starts_with(secret, 'whsec_')`, []]
      : ['NOT starts_with(secret, $2)', [`enc:mk1:${keyring.activeId}:`]];
  let changed = 0;
  for (;;) {
    const done = await withTransaction(workerPool, async (client) => {
      const { rows } = await client.query<{ id: string; tenant_id: string; secret: string }>(
        `SELECT id, tenant_id, secret FROM event_bus.subscriptions WHERE ${which} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize, ...extra],
      );
      const updates = rows.map((row) => {
        const owner = { tenantId: row.tenant_id, subscriptionId: row.id };
        return { id: row.id, secret: sealWebhookSecret(keyring, openWebhookSecret(keyring, row.secret, owner), owner) };
      });
      await client.query(
        `UPDATE event_bus.subscriptions s SET secret = u.secret FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, secret text) WHERE s.id = u.id`,
        [JSON.stringify(updates)],
      );
      return rows.length;
    });
    changed += done;
    if (done < batchSize) return changed;
  }
}
