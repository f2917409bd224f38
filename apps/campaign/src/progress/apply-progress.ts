import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';

// notification's transactionId of a campaign send (dispatch/send-batch.ts): campaign:<id>:<step>:<contact>.
const CAMPAIGN_TRANSACTION = /^campaign:([0-9a-f-]{36}):([a-z0-9_-]{1,40}):([0-9a-f-]{36})$/;

const RECEIPT_COLUMN = {
  'notification.delivered': 'delivered_at',
  'notification.opened': 'opened_at',
  'notification.clicked': 'clicked_at',
  'notification.bounced': 'bounced_at',
  'notification.failed': 'failed_at',
} as const;

/**
 * What happened to the campaign's messages and recipients afterwards: notification's events
 * (matched to a send by its message id, learnt from notification.requested, which precedes them
 * on the message's stream) and a lead's conversion. An open, click or conversion makes a
 * recipient waiting on a branch due now, so the branch is taken without waiting out its window.
 */
export async function applyProgress(client: pg.ClientBase, event: DomainEvent, now: Date): Promise<void> {
  if (event.type === 'notification.requested') {
    const key = CAMPAIGN_TRANSACTION.exec(event.data.transactionId);
    if (!key) return;
    await client.query(
      `UPDATE sends SET message_id = $5 WHERE tenant_id = $1 AND campaign_id = $2 AND step_id = $3 AND contact_id = $4
         AND message_id IS DISTINCT FROM $5`,
      [event.tenantId, key[1], key[2], key[3], event.aggregateId],
    );
    return;
  }
  if (event.type in RECEIPT_COLUMN) {
    const column = RECEIPT_COLUMN[event.type as keyof typeof RECEIPT_COLUMN];
    const at = 'at' in event.data && typeof event.data.at === 'string' ? event.data.at : event.occurredAt;
    const { rows } = await client.query<{ campaign_id: string; contact_id: string }>(
      `UPDATE sends SET ${column} = coalesce(${column}, $3) WHERE tenant_id = $1 AND message_id = $2
       RETURNING campaign_id, contact_id`,
      [event.tenantId, event.aggregateId, at],
    );
    if (rows.length === 0 || (column !== 'opened_at' && column !== 'clicked_at')) return;
    await wakeBranches(client, event.tenantId, rows[0]!.contact_id, rows[0]!.campaign_id, now);
  }
  if (event.type === 'lead.converted') {
    await client.query(
      `UPDATE enrolments SET converted_at = $3 WHERE tenant_id = $1 AND contact_id = $2 AND converted_at IS NULL`,
      [event.tenantId, event.aggregateId, event.occurredAt],
    );
    await wakeBranches(client, event.tenantId, event.aggregateId, null, now);
  }
}

async function wakeBranches(
  client: pg.ClientBase,
  tenantId: string,
  contactId: string,
  campaignId: string | null,
  now: Date,
): Promise<void> {
  await client.query(
    `UPDATE enrolments e SET due_at = $4 FROM plans p
     WHERE e.tenant_id = $1 AND e.contact_id = $2 AND ($3::uuid IS NULL OR e.campaign_id = $3)
       AND e.status = 'active' AND e.due_at > $4
       AND p.tenant_id = e.tenant_id AND p.campaign_id = e.campaign_id AND p.steps -> e.step_index ->> 'type' = 'branch'`,
    [tenantId, contactId, campaignId, now],
  );
}
