import type pg from 'pg';
import { z } from 'zod';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import type { NotificationContext } from '../context.ts';
import { recordMessageEvents, type Causation } from '../messages/message-events.ts';

export const cancelResult = z.object({
  transactionId: z.string(),
  /** Messages that will not go out now. */
  cancelled: z.array(z.uuid()),
  /** Messages a dispatcher is sending at this moment: too late to stop. */
  sending: z.array(z.uuid()),
});

/**
 * Suppresses (reason `cancelled`) every message of the transaction that is still waiting: in the
 * queue and not claimed by a dispatcher, or collected in a digest that has not gone out. A message
 * being sent, or already sent, stays as it is. Repeating the cancel changes nothing more.
 */
export async function cancelTransaction(
  ctx: NotificationContext,
  tenantId: string,
  transactionId: string,
  causation: Causation,
): Promise<z.output<typeof cancelResult>> {
  return ctx.store.transaction(ctx.pool, tenantId, async (client) => {
    const known = await client.query(
      'SELECT 1 FROM notification.trigger_transactions WHERE tenant_id = $1 AND transaction_id = $2',
      [tenantId, transactionId],
    );
    if (known.rowCount === 0) throw new NotFoundError('Transaction not found', { transactionId });
    const waiting = await client.query<{ id: string; status: string; claimed: boolean }>(
      `SELECT m.id, m.status, coalesce(q.claimed_until > $2, false) AS claimed
       FROM notification.messages m LEFT JOIN notification.delivery_queue q ON q.message_id = m.id
       WHERE m.transaction_id = $1 AND m.status IN ('scheduled', 'digested')
       ORDER BY m.created_at, m.id FOR UPDATE OF m`,
      [transactionId, ctx.now()],
    );
    const cancelled: string[] = [];
    const sending: string[] = [];
    for (const message of waiting.rows) {
      // A claim committed after the read above is seen by unqueue: its DELETE waits for the claim's
      // row lock and checks the row again, so a scheduled message a dispatcher has just taken is
      // left to it. (A digest's item has no queue entry: its digest is sent, or cancelled, as a whole.)
      const taken =
        message.claimed || ((await unqueue(client, message.id, ctx.now())) === 0 && message.status === 'scheduled');
      if (taken) {
        sending.push(message.id);
        continue;
      }
      await recordMessageEvents(
        client,
        ctx,
        { tenantId, messageId: message.id },
        [
          {
            type: 'notification.suppressed',
            data: { reason: 'cancelled', detail: `transaction ${transactionId} cancelled` },
          },
        ],
        causation,
      );
      cancelled.push(message.id);
    }
    return { transactionId, cancelled, sending };
  });
}

/** Deletes the message's queue entry unless a dispatcher holds its claim; how many rows went (0 or 1). */
async function unqueue(client: pg.ClientBase, messageId: string, now: Date): Promise<number> {
  const { rowCount } = await client.query(
    `DELETE FROM notification.delivery_queue WHERE message_id = $1 AND (claimed_until IS NULL OR claimed_until <= $2)`,
    [messageId, now],
  );
  return rowCount ?? 0;
}
