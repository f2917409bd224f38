import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import type { UnsubscribeLinkPayload } from '../links/link-payload.ts';
import { setCategoryChannel } from './preference-store.ts';

export interface Unsubscribed {
  unsubscribed: true;
  /** user: the user's choice for the category and channel is now off; address: the address is suppressed. */
  scope: 'user' | 'address';
  channel: UnsubscribeLinkPayload['channel'];
  category: string;
}

/**
 * Carries out a verified unsubscribe link in its tenant: a user's link turns their category x
 * channel choice off; a link to a bare address suppresses that address on the channel (reason
 * unsubscribed; an earlier bounce or complaint keeps its reason). Repeating it changes nothing.
 */
export async function unsubscribe(pool: pg.Pool, link: UnsubscribeLinkPayload, at: Date): Promise<Unsubscribed> {
  const { tenantId, userId, address, channel, category } = link;
  await withTransaction(
    pool,
    async (client) => {
      if (userId !== undefined) {
        await setCategoryChannel(client, tenantId, userId, category, channel, false, at);
        return;
      }
      await client.query(
        `INSERT INTO suppressions (tenant_id, channel, address, reason, message_id, created_at)
         VALUES ($1, $2, $3, 'unsubscribed', $4, $5)
         ON CONFLICT (tenant_id, channel, address) DO NOTHING`,
        [tenantId, channel, address!.toLowerCase(), link.messageId ?? null, at],
      );
    },
    { tenantId },
  );
  return { unsubscribed: true, scope: userId === undefined ? 'address' : 'user', channel, category };
}
