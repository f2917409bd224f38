// Test-only: a campaign's recorded activity, written as the dispatcher, the progress consumer and
// the spend ledger write it (sends, enrolments, ledger entries), at the times given.
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@bizosaas/db';
import type { TestApp } from '../test-support.ts';

export interface Recipient {
  enrolledAt: string;
  /** Accepted by notification at; null: reserved and never accepted. */
  sentAt: string | null;
  openedAt?: string | undefined;
  clickedAt?: string | undefined;
  convertedAt?: string | undefined;
}

/** One enrolment per recipient and one email send of step `s1` each. */
export async function givenRecipients(t: TestApp, tenantId: string, campaignId: string, recipients: Recipient[]) {
  await withTransaction(
    t.pool,
    async (client) => {
      for (const r of recipients) {
        const contactId = randomUUID();
        await client.query(
          `INSERT INTO enrolments (tenant_id, campaign_id, contact_id, enrolment_id, contact_kind, step_index, status,
             stream_version, enrolled_at, converted_at, updated_at)
           VALUES ($1, $2, $3, $4, 'lead', 1, 'done', 2, $5, $6, $5)`,
          [tenantId, campaignId, contactId, randomUUID(), r.enrolledAt, r.convertedAt ?? null],
        );
        await client.query(
          `INSERT INTO sends (tenant_id, campaign_id, step_id, contact_id, channel, template_key, marketing, state,
             message_id, message_status, reserved_at, accepted_at, opened_at, clicked_at)
           VALUES ($1, $2, 's1', $3, 'email', 'winter-sale', true, $4, $5, $6, $7, $8, $9, $10)`,
          [
            tenantId,
            campaignId,
            contactId,
            r.sentAt === null ? 'reserved' : 'accepted',
            randomUUID(),
            r.sentAt === null ? null : 'sent',
            r.enrolledAt,
            r.sentAt,
            r.openedAt ?? null,
            r.clickedAt ?? null,
          ],
        );
      }
    },
    { tenantId },
  );
}

/** A manual ledger entry of `amount` recorded at `recordedAt`. */
export async function givenSpend(t: TestApp, tenantId: string, campaignId: string, amount: string, recordedAt: string) {
  await withTransaction(
    t.pool,
    (client) =>
      client.query(
        `INSERT INTO spend_entries (tenant_id, campaign_id, entry_id, spend_date, amount, currency, source, recorded_at, updated_at)
         VALUES ($1, $2, $3, $4::timestamptz::date, $5, 'USD', 'manual', $4, $4)`,
        [tenantId, campaignId, randomUUID(), recordedAt, amount],
      ),
    { tenantId },
  );
}
